"""What the ``check`` command does, callable from Python."""

from __future__ import annotations

import difflib
import errno
import os
import sys
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from jaxlint.config import ConfigError, Settings
from jaxlint.driver.collector import fewer_collections
from jaxlint.driver.results import FileResult
from jaxlint.fix.findings import Finding, UnsafeFixes
from jaxlint.fsio import WriteRefused, read_source, replace_source
from jaxlint.notebook import changed_cells, is_notebook
from jaxlint.output.choices import ColorChoice, OutputFormat
from jaxlint.output.reporters import plural, report, write_statistics
from jaxlint.output.snippets import file_lines, source_lines_of
from jaxlint.project.configurations import Configurations, as_configurations
from jaxlint.project.discovery import discover
from jaxlint.project.root import index_files, rooted
from jaxlint.run.baseline import (
    SourceLines,
    read_baseline,
    sarif_fingerprints,
    without_baseline,
    write_baseline,
)
from jaxlint.run.cache import CacheStats, ResultCache, entry_key, source_digest
from jaxlint.run.decorators import unresolved_decorators
from jaxlint.run.interrupts import Terminated, checkpoint, termination_as_exception
from jaxlint.run.parallel import lint_files, lint_one, summarize_files

if TYPE_CHECKING:
    # The linter and the project index load libcst, the model and the rules: imported
    # where a file is linted or the index built, never by a run served from the cache.
    from jaxlint.project.index import ProjectIndex


@dataclass(frozen=True)
class CheckOptions:
    fix: bool = False
    #: Whether unsafe fixes are applied and offered: None, as each file's configuration
    #: says (``unsafe-fixes``, which the command line's option is laid over); a bool, the
    #: same for every file.
    unsafe_fixes: bool | None = None
    diff: bool = False
    output_format: OutputFormat | str = OutputFormat.TEXT
    color: ColorChoice = ColorChoice.AUTO
    exit_zero: bool = False
    statistics: bool = False
    #: Worker processes; None means all cores. The library defaults to one process and
    #: no cache (no side effects); the command line to all cores and the cache.
    jobs: int | None = 1
    use_cache: bool = False
    #: ``--add-noqa``: silence every finding with a noqa comment, report nothing.
    add_noqa: bool = False
    #: ``--baseline FILE``: report only findings not in it.
    baseline: str | None = None
    #: ``--write-baseline FILE``: write every finding to it, report nothing.
    write_baseline: str | None = None
    #: The path stdin's source is linted as (``--stdin-filename``).
    stdin_filename: str | None = None
    #: ``--fix-only``: fix, report neither what is left nor fail for it (ruff's).
    fix_only: bool = False
    #: ``--exit-non-zero-on-fix``: exit 1 when files were fixed, even if nothing is left.
    exit_non_zero_on_fix: bool = False
    #: ``--quiet``: findings only, no summary line and no warnings.
    quiet: bool = False


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
    #: Sources that are not files (stdin), by the path their findings carry.
    sources: dict[str, bytes] = field(default_factory=dict)


def unsafe_fixes_in(settings: Settings, options: CheckOptions) -> bool:
    """Whether unsafe fixes are on in a file linted with ``settings``: the run's choice
    where it makes one, else that file's own configuration."""
    return settings.unsafe_fixes if options.unsafe_fixes is None else options.unsafe_fixes


def unsafe_fixes_per_file(
    settings: Settings | Configurations, options: CheckOptions
) -> Callable[[str], bool]:
    """:func:`unsafe_fixes_in` for the file at a path: what ``--fix`` applies there and
    what every report calls fixable there, whichever other files the run has."""
    configurations = as_configurations(settings)
    return lambda path: unsafe_fixes_in(configurations.for_file(path), options)


def lint_paths(
    paths: Sequence[str],
    settings: Settings | Configurations,
    options: CheckOptions,
    dependencies: Callable[[str], str] | None = None,
) -> CheckRun:
    """Lint (and with ``fix`` write, with ``diff`` render) every file under ``paths``,
    each with its own settings (one ``Settings``: the same for every file).

    ``dependencies(path)`` is the hook for cross-module results: what ``path``'s findings
    depend on in other files (``ProjectIndex.fingerprint``); it is part of the cache key.
    """
    run = CheckRun()
    configurations = as_configurations(settings)
    settings = configurations.primary
    missing: list[str] = []
    files = discover(paths, configurations, run.warnings, missing)
    for path in missing:  # reported as ruff does, and the rest is linted
        if "JL000" in configurations.for_file(path).codes_for(path):
            from jaxlint.driver.source import unreadable_file_finding

            gone = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
            run.findings.append(unreadable_file_finding(path, gone))
        else:
            run.warnings.append(f"{path}: no such file or directory")
    if not files and not missing:
        run.warnings.append("no Python files found")
    for name in unresolved_decorators(files, configurations.for_file):
        run.warnings.append(
            f"`traced-decorators` entry `{name}` resolves to nothing in this project "
            "(no module or function of that name, and no importable package): check the "
            "spelling"
        )
    want_fixes = options.fix or options.diff
    unsafe_fixes_of = unsafe_fixes_per_file(configurations, options)
    # The cross-module index covers the whole project whatever part of it is linted, so
    # that a run on some files (pre-commit) reports what a whole-project run reports.
    scope = index_files(files, configurations, paths) if files else []
    cache = ResultCache(rooted(settings)) if options.use_cache else None
    fix_root = rooted(settings).root  # a symlink is fixed through only to a target inside it
    digests: dict[str, str] = {}
    if cache is not None:
        for path in (*scope, *files):
            key = os.path.abspath(path)
            if key in digests:
                continue
            try:
                digests[key] = source_digest(read_source(path))
            except OSError:
                continue  # linted below, where the error becomes a finding or a warning

    # Traced-ness across modules: what each file's functions are traced by elsewhere.
    # Building the index parses most files, so it is built only when needed: not when the
    # cache holds its fingerprints for exactly these files with exactly these contents.
    project: ProjectIndex | None = None
    summaries: MutableMapping[str, Any] = {}  # the cache's, read where an index is built

    def built_index() -> ProjectIndex | None:
        nonlocal project, summaries
        if project is None and len(scope) > 1:
            # A notebook is no module other files import: the index is of modules.
            modules = [path for path in scope if not is_notebook(path)]
            if cache is not None:
                summaries = cache.index_summaries
            # Syntax trees are acyclic: at Python's default thresholds the collector
            # walked them for a fifth of the index's time.
            with fewer_collections():
                # Read in parallel what the index needs (and the pre-filter's verdicts).
                # Each module traced by its own configuration's decorators, whoever runs.
                decorators_of = configurations.traced_decorators
                summarize_files(modules, decorators_of, summaries, options.jobs)
                from jaxlint.project.index import ProjectIndex

                project = ProjectIndex(modules, decorators_of, summaries)
        return project

    state = ""
    if dependencies is None and len(scope) > 1:
        stored = None
        if cache is not None:
            state = cache.project_state(
                (path, _indexed_content(digests, configurations, path)) for path in scope
            )
            stored = cache.project_fingerprints(state)
        if stored is not None and cache is not None:
            dependencies = cache.fingerprint_lookup(stored)
        else:
            dependencies = lambda path: built_index().fingerprint(path)  # type: ignore[union-attr]  # noqa: E731

    def key_of(path: str, digest: str) -> str:
        extra = dependencies(path) if dependencies is not None else ""
        if extra:  # its messages name other files, from the current folder
            extra += "\0" + os.getcwd()
        own = configurations.for_file(path)
        if own is not settings:  # a nearer configuration than the run's own
            extra += "\0" + own.cache_key()
        return entry_key(digest, own.codes_for(path), extra)

    results: list[FileResult | None] = [None] * len(files)
    if cache is not None:
        for index, path in enumerate(files):
            digest = digests.get(os.path.abspath(path))
            if digest is None:
                continue
            hit = cache.get(path, key_of(path, digest))
            # A fix run re-lints only what it may rewrite; the rest is as cached.
            if hit is not None and not (
                want_fixes and any(f.fixable(unsafe_fixes_of) for f in hit.findings)
            ):
                results[index] = hit
        run.cache = cache.stats
        if state and dependencies is not None:
            # Every file of the scope: a later run on other files of it reads these.
            cache.remember_project(state, {path: dependencies(path) for path in scope})
    todo = [index for index, result in enumerate(results) if result is None]
    project_index = built_index() if todo else None
    outcomes = lint_files(
        [files[index] for index in todo],
        settings,
        fix=want_fixes,
        unsafe_fixes=options.unsafe_fixes,
        jobs=options.jobs,
        external=project_index.external if project_index is not None else None,
        settings_of=configurations.for_file,
    )

    def as_on_disk(path: str) -> FileResult:
        # A file whose fixes were not written, linted again without fixing: what it
        # reports is what is on disk (an edit saved meanwhile included).
        external = project_index.external(path) if project_index is not None else None
        own = configurations.for_file(path)
        result, _ = lint_one(path, own, False, options.unsafe_fixes, external)
        return result

    try:
        for index, path in enumerate(files):
            result = results[index]
            if result is None:
                result, digest = next(outcomes)
                checkpoint()
                result = _finish(
                    run, path, result, digest, options, cache, key_of, fix_root, as_on_disk
                )
            run.results.append(result)
            run.errors.extend(result.errors)
            run.warnings.extend(result.warnings)
            run.findings.extend(result.findings)
    finally:
        outcomes.close()  # stops the workers if we leave early
        if cache is not None:
            cache.save()
            run.warnings.extend(cache.warnings)
    if len(scope) > len(files) and not (options.diff or options.add_noqa or options.write_baseline):
        # Some files of a project (pre-commit's changed files): report what they cause in
        # the project's other files, so that the change that makes a bug is blocked.
        from jaxlint.run.impact import caused_elsewhere  # only for some files of a project

        index = built_index()
        if index is not None:
            run.findings.extend(
                caused_elsewhere(files, scope, index, configurations, summaries, options.jobs)
            )
    run.findings.sort()
    return run


def _indexed_content(digests: dict[str, str], configurations: Configurations, path: str) -> str:
    """What the project index reads of a file: its bytes and its own configuration's
    traced decorators (a change of either changes the facts it gives other files)."""
    digest = digests.get(os.path.abspath(path), "")
    decorators = configurations.traced_decorators(path)
    return f"{digest}\0{','.join(sorted(decorators))}" if decorators else digest


def _finish(
    run: CheckRun,
    path: str,
    result: FileResult,
    digest: str | None,
    options: CheckOptions,
    cache: ResultCache | None,
    key_of: Callable[[str, str], str],
    root: str | None,
    as_on_disk: Callable[[str], FileResult],
) -> FileResult:
    """Write or render a freshly linted file's fixes, and remember what stays true;
    returns the file's result as reported. ``as_on_disk(path)`` lints a file again,
    without fixing, for one whose fixes were not written."""
    fixed = result.fixed_source
    if fixed is not None and result.original_source is not None:
        if options.diff:
            run.diffs.append(unified_diff(path, result.original_source, fixed))
            run.fixed += result.fixes_applied
            return result  # its findings are those of the fixed text, which is not on disk
        if options.fix:
            checkpoint()  # no write starts after a signal
            try:
                replace_source(path, result.original_source, fixed, root=root)
            except WriteRefused as refusal:
                return _unwritten(as_on_disk(path), warning=f"{path}: fixes not written: {refusal}")
            except OSError as error:
                return _unwritten(as_on_disk(path), error=f"{path}: could not write fixes: {error}")
            run.fixed += result.fixes_applied
            if cache is not None:  # what is left is exactly the lint of the new content
                cache.put(path, key_of(path, source_digest(fixed)), result)
            return result
    if cache is None or digest is None:
        return result
    if (options.fix or options.diff) and result.warnings:
        return result  # e.g. a refused fix: a fix run's note, not a lint result
    cache.put(path, key_of(path, digest), result)
    return result


def _unwritten(on_disk: FileResult, *, warning: str = "", error: str = "") -> FileResult:
    """The result of a file whose fixes were not written: the findings of the file as it
    is (still to fix, so the run fails for them as a lint run would), and why. Never
    cached: the cache holds lint results, and this one is a fix run's note."""
    if warning:
        on_disk.warnings.insert(0, warning)
    if error:
        on_disk.errors.insert(0, error)
    return on_disk


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """The fix as a unified diff; a notebook's as one Python diff per changed cell
    (``a/path:cell 3``), since a diff of its JSON is unreadable and unappliable by hand."""
    if is_notebook(path):
        changed = changed_cells(before, after)
        if changed is not None:
            return "".join(
                "".join(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        fromfile=f"a/{path}:cell {number}",
                        tofile=f"b/{path}:cell {number}",
                    )
                )
                for number, old, new in changed
            )
    old = before.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = after.decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}"))


def run_check(
    paths: Sequence[str],
    settings: Settings | Configurations,
    options: CheckOptions,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: BinaryIO | None = None,
) -> int:
    """Run ``jaxlint check`` and print its report; returns the exit code. ``paths`` of
    just ``-`` reads one source from ``stdin``."""
    out = out or sys.stdout
    err = err or sys.stderr
    configurations = as_configurations(settings)
    settings = configurations.primary  # the run's own: where paths are reported from
    reading_stdin = list(paths) == ["-"]
    # stdin's source is linted as --stdin-filename, with that file's configuration
    stdin_settings = (
        configurations.for_file(options.stdin_filename) if options.stdin_filename else settings
    )
    unsafe_fixes_of: UnsafeFixes = (
        unsafe_fixes_in(stdin_settings, options)
        if reading_stdin
        else unsafe_fixes_per_file(configurations, options)
    )
    if reading_stdin and options.add_noqa:
        raise ConfigError("--add-noqa edits files: it cannot read from stdin")
    if options.add_noqa and (options.fix or options.diff):
        raise ConfigError("--add-noqa cannot be combined with --fix or --diff")
    if options.write_baseline and (options.fix or options.diff or options.baseline):
        raise ConfigError("--write-baseline cannot be combined with --fix, --diff or --baseline")
    known = read_baseline(options.baseline) if options.baseline else None
    try:
        with termination_as_exception():
            if reading_stdin:
                stdin = stdin or sys.stdin.buffer
                run = lint_stdin(stdin.read(), stdin_settings, options)
            else:
                run = lint_paths(paths, configurations, options)
            if options.add_noqa:
                added = add_noqa(run)
    except KeyboardInterrupt:
        err.write("jaxlint: interrupted; files already fixed are complete, the rest untouched\n")
        return 130
    except Terminated:
        err.write("jaxlint: terminated; files already fixed are complete, the rest untouched\n")
        return 143
    for warning in () if options.quiet else run.warnings:
        err.write(f"warning: {warning}\n")
    lines = SourceLines(run.sources)
    if options.add_noqa:
        err.write(f"Added {added} noqa directive{'s' if added != 1 else ''}.\n")
        return _errors_or(run, err, 0)
    if options.write_baseline:
        count = write_baseline(options.write_baseline, run.findings, settings, lines)
        noun = "finding" if count == 1 else "findings"
        err.write(f"Wrote {count} {noun} to the baseline {options.write_baseline}.\n")
        return _errors_or(run, err, 0)
    # Fingerprints count occurrences among all findings, as the baseline's do.
    fingerprint_of: dict[int, str] = {}
    if options.output_format == "sarif":
        hashes = sarif_fingerprints(run.findings, settings, lines)
        fingerprint_of = dict(zip(map(id, run.findings), hashes, strict=True))
    if known is not None:
        kept = without_baseline(run.findings, known, settings, lines)
        run.findings = kept.new
        if kept.known:
            noun = "finding" if kept.known == 1 else "findings"
            err.write(f"{kept.known} {noun} in the baseline {options.baseline} not reported.\n")
    if reading_stdin and options.fix and not options.diff:
        _write_fixed_stdin(run, out)
        out = err  # the report goes to stderr: stdout holds the source
    if options.diff:
        for diff in run.diffs:
            out.write(diff)
        if not options.quiet:
            err.write(f"Would fix {plural(run.fixed, 'problem')}.\n")
    elif options.fix_only:
        if run.fixed and not options.quiet:
            out.write(f"Fixed {plural(run.fixed, 'problem')}.\n")
    elif options.statistics:
        write_statistics(run.findings, out, options.output_format, unsafe_fixes_of)
    else:
        remaining = run.findings
        report(
            remaining,
            options.output_format,
            out,
            unsafe_fixes=unsafe_fixes_of,
            fixed=run.fixed,
            root=settings.root,
            color=options.color,
            source_lines=lambda path: (
                source_lines_of(run.sources[path]) if path in run.sources else file_lines(path)
            ),
            fingerprints=[fingerprint_of[id(finding)] for finding in remaining]
            if options.output_format == "sarif"
            else None,
            summary=not options.quiet,
        )
    for error in run.errors:
        err.write(f"error: {error}\n")
    if run.errors:
        return 2
    if options.exit_zero:
        return 0
    if options.diff:
        return 1 if run.diffs else 0
    if options.exit_non_zero_on_fix and run.fixed:
        return 1
    if options.fix_only:
        return 0  # what is left is not this run's concern (ruff's --fix-only)
    return 1 if run.findings else 0


def _errors_or(run: CheckRun, err: TextIO, code: int) -> int:
    for error in run.errors:
        err.write(f"error: {error}\n")
    return 2 if run.errors else code


def lint_stdin(source: bytes, settings: Settings, options: CheckOptions) -> CheckRun:
    """Lint a source read from stdin as the file ``options.stdin_filename`` (for the
    configuration, per-file ignores and messages; ``-`` without one). With ``fix`` or
    ``diff``, the fixed source is in the result; nothing is written."""
    path = options.stdin_filename or "-"
    run = CheckRun(sources={path: source})
    if options.stdin_filename and settings.force_exclude and settings.is_excluded(path):
        run.results.append(FileResult(path, original_source=source))
        return run  # excluded: nothing to report (and, with --fix, the source unchanged)
    from jaxlint.driver.engine import lint_bytes

    result = lint_bytes(
        path,
        source,
        settings,
        fix=options.fix or options.diff,
        unsafe_fixes=unsafe_fixes_in(settings, options),
    )
    result.original_source = source
    if result.fixed_source is not None:
        run.fixed = result.fixes_applied
        if options.diff:
            run.diffs.append(unified_diff(path, source, result.fixed_source))
    run.results.append(result)
    run.errors.extend(result.errors)
    run.warnings.extend(result.warnings)
    run.findings = sorted(result.findings)
    return run


def _write_fixed_stdin(run: CheckRun, out: TextIO) -> None:
    """``jaxlint --fix -`` prints the fixed source (the source, if nothing changed)."""
    result = run.results[0] if run.results else None
    if result is None or result.original_source is None:
        return
    fixed = result.fixed_source if result.fixed_source is not None else result.original_source
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(fixed)
        buffer.flush()
    else:
        out.write(fixed.decode("utf-8", errors="surrogateescape"))


def add_noqa(run: CheckRun) -> int:
    """Write a ``# noqa`` for every finding of ``run`` into its file; returns how many
    codes were added. What could not be done is a warning of the run."""
    from jaxlint.run.add_noqa import add_noqa_to_source  # --add-noqa alone writes comments

    added = 0
    by_path: dict[str, list[Finding]] = {}
    for finding in run.findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, findings in by_path.items():
        try:
            source = read_source(path)
        except OSError as error:
            run.warnings.append(f"{path}: no noqa comments added ({error.strerror or error})")
            continue
        outcome = add_noqa_to_source(path, source, findings)
        if outcome.problem is not None:
            run.warnings.append(f"{path}: {outcome.problem}")
        if outcome.source is None:
            continue
        try:
            replace_source(path, source, outcome.source)
        except WriteRefused as refusal:
            run.warnings.append(f"{path}: no noqa comments added: {refusal}")
            continue
        except OSError as error:
            run.errors.append(f"{path}: could not add noqa comments: {error}")
            continue
        added += outcome.added
    return added
