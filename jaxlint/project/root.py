"""The project a run belongs to, and the files its cross-module index covers.

pre-commit passes only the changed files; a run on them must still know what the rest
of the project traces, or it reports less than CI. So the index always covers the
whole project, walked as a folder run walks it (``exclude``, ``.gitignore``), plus the
files being linted. Which project is found from the paths given upward, the same for
any of its files or folders (``jaxlint sub/x.py``, ``jaxlint .``, pre-commit's
``jaxlint sub/x.py other.py``), whichever configuration each file has: the enclosing git
(or Mercurial) work tree, else the outermost folder with a configuration file (a
``sub/`` with its own configuration is a part of its parent's project, not a project of
its own). With ``--config``, the configuration file's folder. Without either (a scratch
folder), it covers the linted files. The index is cheap to rebuild from the cache:
module summaries are kept by content. The cache itself stays at the run's own
configuration's folder (see :func:`rooted`): its entries' keys hold the dependency
fingerprints that the index gives.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jaxlint.config import ConfigError, Settings, config_in
from jaxlint.project.configurations import Configurations, as_configurations
from jaxlint.project.discovery import discover

if TYPE_CHECKING:
    # The index reads modules with the model's rules (libcst with them): imported where
    # one is built, not by a run that only looks the project up.
    from jaxlint.project.index import ProjectIndex

#: What marks a work tree's root when no configuration file was found.
_VCS_MARKERS = (".git", ".hg")


def project_root(settings: Settings) -> str | None:
    """The configuration file's folder, else the nearest folder at or above
    ``settings.root`` holding ``.git`` or ``.hg``; None when there is neither."""
    if settings.config_path is not None:
        return os.path.abspath(settings.root)
    folder = Path(os.path.abspath(settings.root))
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _VCS_MARKERS):
            return str(candidate)
    return None


def rooted(settings: Settings) -> Settings:
    """``settings`` with ``root`` at the project root (where the cache lives, and what
    excludes are matched from when the root is walked); unchanged without one."""
    root = project_root(settings)
    if root is None or root == os.path.abspath(settings.root):
        return settings
    return replace(settings, root=root)


def index_root(configurations: Settings | Configurations) -> str | None:
    """The root of the project the run's files belong to, as the cross-module index
    covers it: the same for any of the project's paths (see the module's docstring)."""
    configurations = as_configurations(configurations)
    if configurations.fixed:  # `--config`: its folder, whichever paths are given
        return project_root(configurations.primary)
    folder = Path(os.path.abspath(configurations.start))
    outermost: Path | None = None
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _VCS_MARKERS):
            return str(candidate)
        try:
            if config_in(candidate) is not None:
                outermost = candidate
        except ConfigError:
            continue  # a broken pyproject.toml above the project is none of its business
    return None if outermost is None else str(outermost)


def index_files(
    files: Sequence[str], settings: Settings | Configurations, paths: Sequence[str] = ()
) -> list[str]:
    """What the cross-module index is built over when ``files`` are linted: every Python
    file of the project, then those of ``files`` it does not already hold. When the paths
    linted include the root itself, ``files`` already are every file of the project."""
    configurations = as_configurations(settings)
    root = index_root(configurations)
    if root is None or any(os.path.abspath(path) == root for path in paths):
        return list(files)
    # Unconfigured folders' excludes matched from the project root, not the run's start:
    # the same walk whichever of the project's paths were given.
    walk = configurations.with_primary(rooted(configurations.primary), start=root)
    walked = discover([root], walk, [], force_exclude=False)
    seen = {os.path.abspath(path) for path in walked}
    return [*walked, *(path for path in files if os.path.abspath(path) not in seen)]


def project_index(
    files: Sequence[str],
    settings: Settings | Configurations,
    summaries: MutableMapping[str, Any] | None = None,
) -> ProjectIndex:
    """The cross-module index for linting ``files`` (see :func:`index_files`), each
    module traced by its own configuration's decorators."""
    from jaxlint.project.index import ProjectIndex

    configurations = as_configurations(settings)
    return ProjectIndex(
        index_files(files, configurations), configurations.traced_decorators, summaries
    )
