"""The Python API: ``jaxlint.check(paths)`` and ``jaxlint.lint_source(source)``.

Both return :class:`ReportedFinding` objects, which carry the fields of the ``--format
json`` output, under the same names. Nothing is printed; warnings (a skipped file, an
unresolvable ``traced-decorators`` entry) go through :mod:`warnings` as
:class:`JaxlintWarning`, and internal errors raise :class:`CheckFailed`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from jaxlint.config import ConfigError, Settings, load_settings
from jaxlint.fix.findings import Finding, FixSuggestion, documentation_command
from jaxlint.project.configurations import Configurations, Overrides

__all__ = ["CheckFailed", "ConfigError", "JaxlintWarning", "ReportedFinding", "check"]

StrPath = str | os.PathLike[str]


class JaxlintWarning(UserWarning):
    """Something a run skipped or could not do, as the command line's ``warning:`` lines."""


class CheckFailed(RuntimeError):
    """An internal error (exit 2 on the command line); ``errors`` has every message."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True, order=True)
class ReportedFinding:
    """One finding, with the fields of one entry of ``--format json`` (1-based lines and
    columns; ``fixable``: whether ``fix=True`` would repair it in this run; ``fix``: its
    edits as text, or None; ``doc``: the command that prints the rule's documentation)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fixable: bool
    fix: FixSuggestion | None = field(compare=False)
    doc: str = field(compare=False)
    #: The notebook cell the lines count in (1-based); None outside notebooks.
    cell: int | None = None

    @classmethod
    def of(cls, finding: Finding, unsafe_fixes: bool) -> ReportedFinding:
        return cls(
            finding.path,
            finding.line,
            finding.column,
            finding.end_line,
            finding.end_column,
            finding.code,
            finding.name,
            finding.message,
            finding.fixable(unsafe_fixes),
            finding.fix,
            documentation_command(finding.code),
            finding.cell,
        )

    def as_json(self) -> dict[str, Any]:
        """The entry exactly as ``--format json`` writes it."""
        entry = {item.name: getattr(self, item.name) for item in fields(self)}
        entry["fix"] = self.fix.as_json() if self.fix is not None else None
        if self.cell is None:
            del entry["cell"]  # written for notebooks only
        return entry


def check(
    paths: StrPath | Sequence[StrPath] = ".",
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    extend_ignore: Iterable[str] | str | None = None,
    config: StrPath | None = None,
    fix: bool = False,
    unsafe_fixes: bool | None = None,
    jobs: int | None = 1,
    use_cache: bool = False,
) -> list[ReportedFinding]:
    """Lint files and folders as ``jaxlint check PATHS`` does, configuration included
    (``config``, or each file's nearest configuration). With ``fix``, fixes are
    written and what is left is returned. Sorted by path, line and column."""
    from jaxlint.run.check import CheckOptions, lint_paths, unsafe_fixes_per_file

    targets = [os.fspath(paths)] if isinstance(paths, str | os.PathLike) else list(paths)
    targets = [os.fspath(target) for target in targets] or ["."]
    configurations = Configurations.discovered(
        targets,
        config,
        Overrides.given(
            select=select,
            ignore=ignore,
            extend_select=extend_select,
            extend_ignore=extend_ignore,
            unsafe_fixes=unsafe_fixes,
        ),
    )
    # Unsafe fixes: each file's configuration says (``unsafe_fixes`` is laid over each).
    options = CheckOptions(fix=fix, jobs=jobs, use_cache=use_cache)
    run = lint_paths(targets, configurations, options)
    for message in run.warnings:
        warnings.warn(message, JaxlintWarning, stacklevel=2)
    if run.errors:
        raise CheckFailed(run.errors)
    unsafe_fixes_of = unsafe_fixes_per_file(configurations, options)
    return [ReportedFinding.of(finding, unsafe_fixes_of(finding.path)) for finding in run.findings]


def lint_source(
    source: str | bytes,
    path: StrPath = "<string>",
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    extend_ignore: Iterable[str] | str | None = None,
    config: StrPath | None = None,
    unsafe_fixes: bool | None = None,
) -> list[ReportedFinding]:
    """Lint one source text, reported as if it were the file ``path`` (which need not
    exist; ``per-file-ignores`` match it). No configuration is searched for: the
    defaults, or ``config``. Nothing is written."""
    from jaxlint.driver.engine import lint_python_source as lint_one

    settings = Overrides.given(
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        extend_ignore=extend_ignore,
        unsafe_fixes=unsafe_fixes,
    ).apply(load_settings(config, ".") if config is not None else Settings())
    result = lint_one(source, os.fspath(path), settings)
    for message in result.warnings:
        warnings.warn(message, JaxlintWarning, stacklevel=2)
    if result.errors:
        raise CheckFailed(result.errors)
    return [ReportedFinding.of(finding, settings.unsafe_fixes) for finding in result.findings]
