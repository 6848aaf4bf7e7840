"""What the files of a run cause in the project's other files.

pre-commit passes only the changed files. A change can make a bug in a file it does not
touch: ``train.py`` now jits ``utils.log_metrics``, whose ``print`` was harmless while it
was untraced. A run on named files therefore also lints the other files of the project
whose cross-module facts (what other files trace, rebind or jit in them) come, through
the project index, from the named files, and reports there the findings that appear only
because of those facts: each file is linted with the whole project's facts and with the
facts of the project without the named files, and what the first finds and the second
does not is what the named files cause. Nothing else of the other files is reported.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from jaxlint.fix.findings import Finding
from jaxlint.notebook import is_notebook
from jaxlint.project.configurations import Configurations
from jaxlint.project.index import ProjectIndex
from jaxlint.run.parallel import lint_files

#: A finding's place, whatever its message says (a message may cite the cause).
_Place = tuple[int | None, int, int, str]


def _place(finding: Finding) -> _Place:
    return (finding.cell, finding.line, finding.column, finding.code)


def caused_elsewhere(
    files: Sequence[str],
    scope: Sequence[str],
    index: ProjectIndex,
    configurations: Configurations,
    summaries: MutableMapping[str, Any],
    jobs: int | None = 1,
) -> list[Finding]:
    """The findings that ``files`` cause, through ``index`` (built over ``scope``), in
    the files of ``scope`` not among them; each message says which file caused it, and
    none carries a fix (the file was not given: ``--fix`` leaves it alone)."""
    given = {os.path.abspath(path): path for path in files}
    others = [
        path for path in scope if os.path.abspath(path) not in given and not is_notebook(path)
    ]
    candidates = others
    if not any(os.path.basename(path) == "__init__.py" for path in given):
        # A file's facts can only change with the files they come from. (A package's
        # __init__ can re-export what others reach: then every file is a candidate.)
        candidates = [path for path in others if not index.causes(path).isdisjoint(given)]
    if not candidates:
        return []
    settings = configurations.primary
    without = ProjectIndex(others, configurations.traced_decorators, summaries)
    affected = [path for path in candidates if index.fingerprint(path) != without.fingerprint(path)]
    if not affected:
        return []
    own = configurations.for_file
    before = [
        {_place(finding) for finding in result.findings}
        for result, _ in lint_files(
            affected, settings, jobs=jobs, external=without.external, settings_of=own
        )
    ]
    caused: list[Finding] = []
    outcomes = lint_files(affected, settings, jobs=jobs, external=index.external, settings_of=own)
    for path, known, (result, _) in zip(affected, before, outcomes, strict=True):
        new = [finding for finding in result.findings if _place(finding) not in known]
        if not new:
            continue
        named = sorted(given[cause] for cause in index.causes(path) if cause in given)
        cause = ", ".join(named or sorted(given.values()))
        shown = _shown(path)
        caused.extend(
            replace(
                finding,
                path=shown,
                message=f"{finding.message} (caused by a change in {cause})",
                fix=None,
            )
            for finding in new
        )
    return caused


def _shown(path: str) -> str:
    """A project file found by walking the project root, as the user's own paths are
    written: relative to the working folder when it is below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative
