"""What the ``check`` command does, callable from Python."""

from __future__ import annotations

import contextlib
import difflib
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

from jaxlint.cache import CacheStats, ResultCache, entry_key, source_digest
from jaxlint.config import Settings
from jaxlint.discovery import discover
from jaxlint.engine import FileResult, read_source, write_atomically
from jaxlint.findings import Finding
from jaxlint.parallel import lint_files, summarize_files
from jaxlint.project import ProjectIndex
from jaxlint.reporters import report, write_statistics


@dataclass(frozen=True)
class CheckOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    output_format: str = "text"
    exit_zero: bool = False
    statistics: bool = False
    #: Worker processes; None means all cores. The library defaults to one process and
    #: no cache (no side effects); the command line to all cores and the cache.
    jobs: int | None = 1
    use_cache: bool = False


@dataclass
class CheckRun:
    """The outcome of one ``check``: findings left, files fixed, problems met."""

    findings: list[Finding] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache: CacheStats = field(default_factory=CacheStats)


def lint_paths(
    paths: Sequence[str],
    settings: Settings,
    options: CheckOptions,
    dependencies: Callable[[str], str] | None = None,
) -> CheckRun:
    """Lint (and with ``fix`` write, with ``diff`` render) every file under ``paths``.

    ``dependencies(path)`` is the hook for cross-module results: what ``path``'s findings
    depend on in other files (``ProjectIndex.fingerprint``); it is part of the cache key.
    """
    run = CheckRun()
    files = discover(paths, settings, run.warnings)
    want_fixes = options.fix or options.diff
    cache = ResultCache(settings) if options.use_cache else None
    digests: dict[int, str] = {}
    if cache is not None:
        for index, path in enumerate(files):
            try:
                digests[index] = source_digest(read_source(path))
            except OSError:
                continue  # linted below, where the error becomes a finding or a warning

    # Traced-ness across modules: what each file's functions are traced by elsewhere.
    # Building the index parses most files, so it is built only when needed: not when the
    # cache holds its fingerprints for exactly these files with exactly these contents.
    project: ProjectIndex | None = None

    def built_index() -> ProjectIndex | None:
        nonlocal project
        if project is None and len(files) > 1:
            summaries = cache.index_summaries if cache is not None else {}
            # Read in parallel what the index needs (and the pre-filter's verdicts).
            summarize_files(files, settings.traced_decorators, summaries, options.jobs)
            project = ProjectIndex(files, settings.traced_decorators, summaries)
        return project

    state = ""
    if dependencies is None and len(files) > 1:
        stored = None
        if cache is not None:
            state = cache.project_state(
                (path, digests.get(index, "")) for index, path in enumerate(files)
            )
            stored = cache.project_fingerprints(state)
        if stored is not None and cache is not None:
            dependencies = cache.fingerprint_lookup(stored)
        else:
            dependencies = lambda path: built_index().fingerprint(path)  # type: ignore[union-attr]  # noqa: E731

    def key_of(path: str, digest: str) -> str:
        extra = dependencies(path) if dependencies is not None else ""
        return entry_key(digest, settings.codes_for(path), extra)

    results: list[FileResult | None] = [None] * len(files)
    if cache is not None:
        for index, path in enumerate(files):
            if index not in digests:
                continue
            hit = cache.get(path, key_of(path, digests[index]))
            # A fix run re-lints only what it may rewrite; the rest is as cached.
            if hit is not None and not (
                want_fixes and any(f.fixable(options.unsafe_fixes) for f in hit.findings)
            ):
                results[index] = hit
        run.cache = cache.stats
        if state and dependencies is not None:
            cache.remember_project(state, {path: dependencies(path) for path in files})
    todo = [index for index, result in enumerate(results) if result is None]
    project_index = built_index() if todo else None
    outcomes = lint_files(
        [files[index] for index in todo],
        settings,
        fix=want_fixes,
        unsafe_fixes=options.unsafe_fixes,
        jobs=options.jobs,
        external_traced=project_index.external_traced if project_index is not None else None,
    )
    try:
        for index, path in enumerate(files):
            result = results[index]
            if result is None:
                result, digest = next(outcomes)
                _finish(run, path, result, digest, options, cache, key_of)
            run.results.append(result)
            run.errors.extend(result.errors)
            run.warnings.extend(result.warnings)
            run.findings.extend(result.findings)
    finally:
        outcomes.close()  # stops the workers if we leave early
        if cache is not None:
            cache.save()
    run.findings.sort()
    return run


def _finish(
    run: CheckRun,
    path: str,
    result: FileResult,
    digest: str | None,
    options: CheckOptions,
    cache: ResultCache | None,
    key_of: Callable[[str, str], str],
) -> None:
    """Write or render a freshly linted file's fixes, and remember what stays true."""
    fixed = result.fixed_source
    if fixed is not None and result.original_source is not None:
        if options.diff:
            run.diffs.append(unified_diff(path, result.original_source, fixed))
            run.fixed += result.fixes_applied
            return  # its findings are those of the fixed text, which is not on disk
        if options.fix:
            try:
                write_atomically(path, fixed)
            except OSError as error:
                result.errors.append(f"{path}: could not write fixes: {error}")
                result.findings = []  # they describe a text that is not on disk
                return
            run.fixed += result.fixes_applied
            if cache is not None:  # what is left is exactly the lint of the new content
                cache.put(path, key_of(path, source_digest(fixed)), result)
            return
    if cache is None or digest is None:
        return
    if (options.fix or options.diff) and result.warnings:
        return  # e.g. a refused fix: a fix run's note, not a lint result
    cache.put(path, key_of(path, digest), result)


class _Terminated(Exception):
    """SIGTERM, raised where the program is, so that cleanups run as for Ctrl-C."""


@contextlib.contextmanager
def _termination_as_exception() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    try:
        with _termination_as_exception():
            run = lint_paths(paths, settings, options)
    except KeyboardInterrupt:
        err.write("jaxlint: interrupted; files already fixed are complete, the rest untouched\n")
        return 130
    except _Terminated:
        err.write("jaxlint: terminated; files already fixed are complete, the rest untouched\n")
        return 143
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
