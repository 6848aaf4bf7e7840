"""What the ``check`` command does, callable from Python."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from jaxlint.config import Settings
from jaxlint.discovery import discover
from jaxlint.engine import FileResult, lint_file, write_atomically
from jaxlint.findings import Finding
from jaxlint.reporters import report, write_statistics


@dataclass(frozen=True)
class CheckOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    output_format: str = "text"
    exit_zero: bool = False
    statistics: bool = False


@dataclass
class CheckRun:
    """The outcome of one ``check``: findings left, files fixed, problems met."""

    findings: list[Finding] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lint_paths(paths: Sequence[str], settings: Settings, options: CheckOptions) -> CheckRun:
    """Lint (and with ``fix`` write, with ``diff`` render) every file under ``paths``."""
    run = CheckRun()
    files = discover(paths, settings, run.warnings)
    want_fixes = options.fix or options.diff
    for path in files:
        result = lint_file(path, settings, fix=want_fixes, unsafe_fixes=options.unsafe_fixes)
        run.results.append(result)
        run.errors.extend(result.errors)
        run.warnings.extend(result.warnings)
        if result.fixed_source is not None and result.original_source is not None:
            if options.diff:
                run.diffs.append(unified_diff(path, result.original_source, result.fixed_source))
                run.fixed += result.fixes_applied
            elif options.fix:
                try:
                    write_atomically(path, result.fixed_source)
                except OSError as error:
                    run.errors.append(f"{path}: could not write fixes: {error}")
                    continue
                run.fixed += result.fixes_applied
        run.findings.extend(result.findings)
    run.findings.sort()
    return run


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    old = before.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = after.decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}"))


def run_check(
    paths: Sequence[str],
    settings: Settings,
    options: CheckOptions,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run ``jaxlint check`` and print its report; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    run = lint_paths(paths, settings, options)
    for warning in run.warnings:
        err.write(f"warning: {warning}\n")
    if options.diff:
        for diff in run.diffs:
            out.write(diff)
        err.write(f"Would fix {run.fixed} problem{'s' if run.fixed != 1 else ''}.\n")
    elif options.statistics:
        write_statistics(run.findings, out, options.output_format, options.unsafe_fixes)
    else:
        remaining = run.findings
        report(
            remaining,
            options.output_format,
            out,
            unsafe_fixes=options.unsafe_fixes,
            fixed=run.fixed,
        )
    for error in run.errors:
        err.write(f"error: {error}\n")
    if run.errors:
        return 2
    if options.exit_zero:
        return 0
    if options.diff:
        return 1 if run.diffs else 0
    return 1 if run.findings else 0
