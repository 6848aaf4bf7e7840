"""Which settings each file is linted with: its nearest configuration file (as ruff
resolves it), or one ``--config`` for all, with the command line's options on top."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jaxlint.config import (
    ConfigError,
    Settings,
    config_in,
    find_config,
    load_settings,
    with_inline_config,
    with_overrides,
)

#: Rule codes as a front-end takes them: ``"JL001,JL002"``, or a list (None: not given).
Codes = str | Iterable[str] | None


def codes_given(codes: Codes) -> list[str] | None:
    """``"jl001, JL002"`` or ``["jl001", "JL002"]`` -> ``["JL001", "JL002"]``."""
    if codes is None:
        return None
    values = [codes] if isinstance(codes, str) else codes
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _globs(values: Sequence[str]) -> list[str] | None:
    """``--exclude a,b --exclude c`` -> ``[a, b, c]`` (None: not given)."""
    if not values:
        return None
    return [glob.strip() for value in values for glob in value.split(",") if glob.strip()]


def _per_file_ignores(values: Sequence[str], option: str) -> list[tuple[str, tuple[str, ...]]]:
    """ruff's ``--per-file-ignores "GLOB:CODE,GLOB:CODE"``, grouped by glob in order."""
    grouped: dict[str, list[str]] = {}
    for value in values:
        for pair in value.split(","):
            if not pair.strip():
                continue
            glob, colon, code = pair.rpartition(":")
            if not colon or not glob.strip() or not code.strip():
                raise ConfigError(f"{option} takes GLOB:CODE pairs, not `{pair.strip()}`")
            grouped.setdefault(glob.strip(), []).append(code.strip().upper())
    return [(glob, tuple(codes)) for glob, codes in grouped.items()]


@dataclass(frozen=True)
class Overrides:
    """The command line's options, laid over each file's configuration (as ruff does):
    ``--config "KEY = VALUE"`` first, then ``select``/``ignore`` replace the file's and
    ``extend_*`` add to it; ``None`` and ``()`` mean not given."""

    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    extend_ignore: Sequence[str] = ()
    unsafe_fixes: bool | None = None
    force_exclude: bool | None = None
    fixable: Sequence[str] | None = None
    unfixable: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    extend_exclude: Sequence[str] | None = None
    per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] | None = None
    extend_per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] | None = None
    preview: bool | None = None
    cache_dir: str | None = None
    ignore_noqa: bool = False
    #: ``--config "KEY = VALUE"`` tables, in the order given
    inline: dict[str, Any] | None = None

    @classmethod
    def given(
        cls,
        *,
        select: Codes = None,
        ignore: Codes = None,
        extend_select: Codes = None,
        extend_ignore: Codes = None,
        unsafe_fixes: bool | None = None,
        force_exclude: bool | None = None,
        fixable: Codes = None,
        unfixable: Codes = None,
        exclude: Sequence[str] = (),
        extend_exclude: Sequence[str] = (),
        per_file_ignores: Sequence[str] = (),
        extend_per_file_ignores: Sequence[str] = (),
        preview: bool | None = None,
        cache_dir: str | None = None,
        ignore_noqa: bool = False,
        inline: dict[str, Any] | None = None,
    ) -> Overrides:
        """The overrides as the command line and the Python API take them: codes as
        ``"JL001,JL002"`` or a list of codes; ``exclude`` globs, each value possibly
        ``"a,b"``; per-file ignores as ``"GLOB:CODE,GLOB:CODE"`` values; ``None`` and
        ``()`` mean not given."""
        return cls(
            select=codes_given(select),
            ignore=codes_given(ignore),
            extend_select=codes_given(extend_select) or (),
            extend_ignore=codes_given(extend_ignore) or (),
            unsafe_fixes=unsafe_fixes,
            force_exclude=force_exclude,
            fixable=codes_given(fixable),
            unfixable=codes_given(unfixable),
            exclude=_globs(exclude),
            extend_exclude=_globs(extend_exclude),
            per_file_ignores=_per_file_ignores(per_file_ignores, "--per-file-ignores")
            if per_file_ignores
            else None,
            extend_per_file_ignores=_per_file_ignores(
                extend_per_file_ignores, "--extend-per-file-ignores"
            ),
            preview=preview,
            cache_dir=cache_dir,
            ignore_noqa=ignore_noqa,
            inline=inline,
        )

    def apply(self, settings: Settings) -> Settings:
        if self.inline:
            settings = with_inline_config(settings, self.inline)
        return with_overrides(
            settings,
            select=self.select,
            ignore=self.ignore,
            extend_select=self.extend_select,
            extend_ignore=self.extend_ignore,
            unsafe_fixes=self.unsafe_fixes,
            force_exclude=self.force_exclude,
            fixable=self.fixable,
            unfixable=self.unfixable,
            exclude=self.exclude,
            extend_exclude=self.extend_exclude,
            per_file_ignores=self.per_file_ignores,
            extend_per_file_ignores=self.extend_per_file_ignores,
            preview=self.preview,
            cache_dir=self.cache_dir,
            ignore_noqa=self.ignore_noqa,
        )


class Configurations:
    """Which settings each file is linted with. Found (:meth:`discovered`): a file's
    nearest configuration file at or above its folder, used alone, with the command
    line's options on top, so that no file's findings depend on which other paths were
    given, or in what order. Fixed (:meth:`single`, ``--config``): one for every file.

    ``primary`` is the run's own: the outermost configuration of the given paths, else the
    defaults at their common folder. It places the cache and the project, and reports
    paths; files without any configuration file above them share it when it comes from
    no file either."""

    def __init__(
        self,
        primary: Settings,
        overrides: Overrides | None = None,
        *,
        fixed: bool,
        start: str | None = None,
    ) -> None:
        self.primary = primary
        #: where files without a configuration file above them are rooted
        self._start = start or primary.root
        self.fixed = fixed
        self._overrides = overrides or Overrides()
        self._unconfigured = primary if primary.config_path is None else None
        self._config_of_folder: dict[str, Path | None] = {}
        self._by_config: dict[str, Settings] = {}
        if primary.config_path is not None:
            self._by_config[os.path.abspath(primary.config_path)] = primary

    @classmethod
    def single(cls, settings: Settings) -> Configurations:
        return cls(settings, fixed=True)

    @classmethod
    def discovered(
        cls,
        paths: Sequence[str],
        config_file: str | os.PathLike[str] | None = None,
        overrides: Overrides | None = None,
    ) -> Configurations:
        """Per-file configurations for a run over ``paths``; with ``config_file``, that
        file's settings (plus ``overrides``) for every file."""
        overrides = overrides or Overrides()
        if config_file is not None:
            return cls.single(overrides.apply(load_settings(config_file)))
        # The run's own: the outermost of the given paths' configurations (the project
        # they belong to, whatever their order), else the defaults at their common folder.
        start = _common_folder(paths)
        found = {config for path in paths or ["."] if (config := find_config(path)) is not None}
        if found:
            outermost = min(found, key=lambda config: (len(config.parent.parts), str(config)))
            primary = overrides.apply(load_settings(outermost))
            return cls(primary, overrides, fixed=False, start=start)
        return cls(overrides.apply(load_settings(None, start)), overrides, fixed=False)

    @property
    def start(self) -> str:
        """Where the run starts: the given paths' common folder (a file stands for its
        folder); with ``--config``, the configuration file's."""
        return self._start

    def with_primary(self, primary: Settings, start: str | None = None) -> Configurations:
        """The same resolution, with another run's own settings (and, given ``start``,
        files without a configuration file above them rooted there)."""
        if primary is self.primary and start in (None, self._start):
            return self
        return Configurations(
            primary, self._overrides, fixed=self.fixed, start=start or self._start
        )

    def for_file(self, path: str) -> Settings:
        if self.fixed:
            return self.primary
        return self.for_folder(os.path.dirname(os.path.abspath(path)))

    def for_path(self, path: str) -> Settings:
        """A file's settings, or a folder's (those of the files directly in it)."""
        if self.fixed:
            return self.primary
        if os.path.isdir(path):
            return self.for_folder(path)
        return self.for_file(path)

    def for_folder(self, folder: str) -> Settings:
        if self.fixed:
            return self.primary
        found = self._nearest(os.path.abspath(folder))
        if found is None:
            if self._unconfigured is None:  # the primary's folder has a configuration
                self._unconfigured = self._overrides.apply(Settings(root=self._start))
            return self._unconfigured
        key = str(found)
        settings = self._by_config.get(key)
        if settings is None:
            settings = self._overrides.apply(load_settings(found))
            self._by_config[key] = settings
        return settings

    def traced_decorators(self, path: str) -> frozenset[str]:
        """The ``traced-decorators`` that trace the functions defined in the file at
        ``path``: its own configuration's (see :class:`jaxlint.project.index.DecoratorsOf`)."""
        return self.for_file(path).decorator_set

    def _nearest(self, folder: str) -> Path | None:
        """The configuration file nearest ``folder``, remembered for every folder on the
        way up (a walk asks once per folder)."""
        climbed: list[str] = []
        found: Path | None = None
        current = folder
        while True:
            if current in self._config_of_folder:
                found = self._config_of_folder[current]
                break
            climbed.append(current)
            own = config_in(Path(current))
            if own is not None:
                found = Path(os.path.abspath(own))
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for visited in climbed:
            self._config_of_folder[visited] = found
        return found


def as_configurations(settings: Settings | Configurations) -> Configurations:
    """A library caller's one ``Settings`` is one configuration for every file."""
    return settings if isinstance(settings, Configurations) else Configurations.single(settings)


def _common_folder(paths: Sequence[str]) -> str:
    """The deepest folder holding every path (a file stands for its folder)."""
    folders = []
    for path in paths or ["."]:
        absolute = os.path.abspath(path)
        folders.append(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    try:
        return os.path.commonpath(folders)
    except ValueError:  # different drives
        return folders[0]
