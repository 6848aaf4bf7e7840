"""Lint many files over a pool of worker processes, with results in input order.

Workers are forked where that is safe (Linux, and no threads in this process), so they
start with jaxlint and libcst already imported and the settings already in memory: a
task is one path out, one compact result back. Workers only lint; every write happens
in the parent, so an interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from jaxlint.config import Settings
from jaxlint.driver.collector import LINT_GC_THRESHOLDS, fewer_collections
from jaxlint.driver.results import FileResult
from jaxlint.fsio import read_source, signals_deferred
from jaxlint.run.cache import source_digest

if TYPE_CHECKING:
    # Imported where a pool starts: a run of one file (or --jobs 1) needs none of it.
    import multiprocessing.context
    import multiprocessing.process
    from concurrent.futures import Future, ProcessPoolExecutor

    # The linter and the project index (libcst, the model, the rules) are imported where
    # a file is linted or read: a run served from the cache needs none of them.
    from jaxlint.project.index import CrossModuleFacts, DecoratorsOf

#: A lint result and the digest of the bytes it was computed from (None: unreadable).
Outcome = tuple[FileResult, str | None]

_worker_state: tuple[Settings, bool, bool | None] | None = None
#: Shared with the parent: which worker (by process id) started each task, by its index
#: (0: not started). A worker killed mid-file leaves the file it was linting named here.
_started_by: Sequence[int] | None = None


@contextlib.contextmanager
def frozen_heap(context: multiprocessing.context.BaseContext) -> Iterator[None]:
    """Around the first submission (when a fork pool starts its workers): what this
    process holds is left out of the workers' collections, which would otherwise walk
    it (and copy its pages) for nothing."""
    if context.get_start_method() != "fork":
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def default_jobs() -> int:
    """All the cores this process may use."""
    counter: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)
    if counter is not None:  # Python 3.13+
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class _TooSlow(BaseException):
    """Raised by the timer in the file being linted: a BaseException, so that no
    ``except Exception`` on the way (in jaxlint or libcst) can swallow it."""


#: A forked worker still busy this long after ``file-timeout`` (native code, which the
#: timer cannot interrupt) is killed: at least a second, or a quarter of the limit.
KILL_GRACE_FRACTION = 0.25
MIN_KILL_GRACE_S = 1.0
#: The signal of that kill: SIGVTALRM's default action ends the process, without a core
#: dump, and nothing else in a worker uses it.
_KILL_SIGNAL = getattr(signal, "SIGVTALRM", None)


def kill_after(seconds: float) -> float:
    """CPU seconds after which a worker still linting one file is killed."""
    return seconds + max(MIN_KILL_GRACE_S, KILL_GRACE_FRACTION * seconds)


@contextlib.contextmanager
def time_limit(seconds: float, *, kill: bool = False) -> Iterator[Callable[[], bool]]:
    """Raise :class:`_TooSlow` in this thread once this process has used ``seconds`` of
    CPU time: CPU, not wall time, so that a loaded machine does not skip files. Only the
    main thread of a POSIX process can be interrupted so (a worker, or a ``--jobs 1``
    run); elsewhere (an editor's thread) there is no limit. Native code that never
    returns to Python (the libcst parser) is interrupted only when it returns; with
    ``kill`` (a worker, which the parent replaces), the process is also ended once it has
    used :func:`kill_after` seconds of user CPU, wherever it is.

    Yields whether the limit was reached: the handler runs between any two bytecodes, and
    its exception may be dropped there (a weakref callback, a ``__del__``: silently, here)
    or wrapped (Python 3.11 wraps one raised in a ``__set_name__`` in a RuntimeError),
    and the lint then ends otherwise."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, signal.SIG_IGN, None)
    )
    if not usable:
        yield lambda: False
        return
    expired = False

    def expire(signum: int, frame: object) -> None:
        nonlocal expired
        expired = True
        raise _TooSlow

    def silenced(unraisable: Any) -> None:
        # sys.unraisablehook: no "Exception ignored" for the limit's own exception.
        if not isinstance(unraisable.exc_value, _TooSlow):
            unraisable_before(unraisable)

    previous = signal.signal(signal.SIGPROF, expire)
    unraisable_before = sys.unraisablehook
    killing = kill and _KILL_SIGNAL is not None
    try:
        # Armed inside the try: a limit that expires at once still disarms both.
        sys.unraisablehook = silenced
        if killing:
            signal.setitimer(signal.ITIMER_VIRTUAL, kill_after(seconds))
        signal.setitimer(signal.ITIMER_PROF, seconds)
        yield lambda: expired
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        if killing:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGPROF, previous)
        sys.unraisablehook = unraisable_before


def too_slow(path: str, settings: Settings) -> FileResult:
    """A file skipped for ``file-timeout``: a warning, no findings."""
    limit = f"{settings.file_timeout:g}"
    warning = f"{path}: skipped (linting it took more than {limit} s of CPU: `file-timeout`)"
    return FileResult(path, warnings=[warning])


def lint_file(path: str, settings: Settings, **options: Any) -> FileResult:
    """:func:`jaxlint.driver.engine.lint_file`, imported on first use: a run served from
    the cache lints nothing, and needs neither libcst nor the rules."""
    from jaxlint.driver.engine import lint_file as lint

    return lint(path, settings, **options)


def lint_one(
    path: str,
    settings: Settings,
    fix: bool,
    unsafe_fixes: bool | None,
    external: CrossModuleFacts | None = None,
    *,
    in_worker: bool = False,
) -> Outcome:
    """Lint one file; whatever goes wrong is an internal error for this file alone, and a
    file that takes longer than ``settings.file_timeout`` is skipped with a warning (a
    worker, ``in_worker``, is killed if it cannot be interrupted: see :func:`time_limit`).
    ``unsafe_fixes`` None: as the file's own configuration says."""
    unsafe = settings.unsafe_fixes if unsafe_fixes is None else unsafe_fixes
    expired: Callable[[], bool] = lambda: False  # noqa: E731 - until the limit is set
    try:
        with time_limit(settings.file_timeout, kill=in_worker) as expired:
            result = lint_file(path, settings, fix=fix, unsafe_fixes=unsafe, external=external)
    except _TooSlow:
        return too_slow(path, settings), None
    except RecursionError:
        result = FileResult(path, errors=[f"{path}: internal error: nesting too deep"])
    except Exception as error:  # noqa: BLE001 - one file must not sink the run
        where = traceback.extract_tb(error.__traceback__)[-1]
        result = FileResult(
            path,
            errors=[
                f"{path}: internal error: {type(error).__name__}: {error} "
                f"(at {os.path.basename(where.filename)}:{where.lineno})"
            ],
        )
    if expired():  # the limit's exception dropped or wrapped on its way
        return too_slow(path, settings), None
    digest = None if result.original_source is None else source_digest(result.original_source)
    if result.fixed_source is None:
        result.original_source = None  # not needed any more: don't ship it back
    return result, digest


def _own_signal_handling() -> None:
    """A worker's first step. Ctrl-C reaches the whole process group: the parent alone
    decides what to do, so a worker ignores it, and SIGTERM ends it. The parent started
    it with both blocked (:func:`_starting_workers`), so that neither could land while the
    parent's handlers were still in place (a traceback, and a dead worker taken for a
    crash); one pending now is dropped (SIGINT) or ends the worker (SIGTERM)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _KILL_SIGNAL is not None:
        signal.signal(_KILL_SIGNAL, signal.SIG_DFL)  # the file-timeout's kill
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def _starting_workers(context: multiprocessing.context.BaseContext) -> Iterator[None]:
    """Around the submissions that start a pool's workers: SIGINT and SIGTERM held (a
    signal that arrives meanwhile is handled here when the block ends), so that workers
    start with them blocked; the pool's threads, started here too, keep them blocked, so
    they reach this process's main thread. And this process's heap left out of the
    workers' collections (:func:`frozen_heap`)."""
    with frozen_heap(context), signals_deferred():
        yield


def _start_worker(
    settings: Settings,
    fix: bool,
    unsafe_fixes: bool | None,
    started_by: Sequence[int] | None = None,
) -> None:
    _own_signal_handling()
    global _worker_state, _started_by
    _worker_state = (settings, fix, unsafe_fixes)
    _started_by = started_by
    gc.set_threshold(*LINT_GC_THRESHOLDS)  # this process only lints


def _work(
    path: str,
    external: CrossModuleFacts | None = None,
    settings: Settings | None = None,
    index: int | None = None,
) -> Outcome:
    """Lint ``path`` with the worker's settings, or ``settings`` (its own) when given;
    ``index``, the task's place in the parent's ``started_by``, where it is marked as
    this worker's before anything else."""
    assert _worker_state is not None
    started, fix, unsafe_fixes = _worker_state
    if index is not None and _started_by is not None:
        _started_by[index] = os.getpid()  # type: ignore[index]
    return lint_one(path, settings or started, fix, unsafe_fixes, external, in_worker=True)


def _timed_out(
    processes: dict[int, multiprocessing.process.BaseProcess],
    started_by: Sequence[int],
    unfinished: Sequence[int],
) -> set[int]:
    """Which of the ``unfinished`` tasks of a broken pool its worker was killed for by
    the time limit (:func:`time_limit`'s kill): the one each such worker had started
    last, since a worker lints one file at a time. Its workers must have been joined."""
    expired = {
        pid
        for pid, process in processes.items()
        if _KILL_SIGNAL is not None and process.exitcode == -_KILL_SIGNAL
    }
    return {index for index in unfinished if started_by[index] in expired}


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    # JAX's runtime runs native threads that threading cannot see (the CLI never imports
    # it; a test suite or notebook calling the library may have).
    if sys.platform == "linux" and threading.active_count() == 1 and "jax" not in sys.modules:
        return multiprocessing.get_context("fork")
    # Forking a threaded process can deadlock; elsewhere fork is unsafe or absent.
    return multiprocessing.get_context("spawn")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def lint_files(
    paths: Sequence[str],
    settings: Settings,
    *,
    fix: bool = False,
    unsafe_fixes: bool | None = False,
    jobs: int | None = None,
    external: Callable[[str], CrossModuleFacts | None] | None = None,
    settings_of: Callable[[str], Settings] | None = None,
) -> Iterator[Outcome]:
    """Lint ``paths`` with ``jobs`` processes (default: all cores), yielding outcomes in the
    order of ``paths`` as soon as each is ready. ``external(path)``: what other files
    trace or rebind in ``path`` (``ProjectIndex.external``); ``settings_of(path)``: the
    file's own settings (default: ``settings`` for every file); ``unsafe_fixes`` None:
    as each file's own settings say."""

    def external_of(path: str) -> CrossModuleFacts | None:
        return external(path) if external is not None else None

    def own_settings(path: str) -> Settings:
        return settings_of(path) if settings_of is not None else settings

    def sent_settings(path: str) -> Settings | None:
        # Workers start with ``settings``: a task carries only a nearer configuration.
        own = own_settings(path)
        return None if own is settings else own

    if not paths:
        return
    # Before any worker forks, so that each starts with the linter imported.
    import jaxlint.driver.engine  # noqa: F401

    jobs = min(jobs or default_jobs(), len(paths))
    context = _context() if len(paths) > 1 else None
    if context is None or (jobs <= 1 and context.get_start_method() != "fork"):
        # A spawned worker would import jaxlint afresh (longer than most lints), and a
        # lone file has no others to save from a crash (a pool would only slow the start
        # of a one-file check): lint here, where the depth guard keeps libcst's known
        # native crashes out.
        with fewer_collections():
            for path in paths:
                yield lint_one(path, own_settings(path), fix, unsafe_fixes, external_of(path))
        return
    # Even one job lints in a forked worker (a few milliseconds to start): a crash in
    # native code (libcst's parser, CPython's) then costs one file, not the whole run.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    started_by = context.RawArray("l", len(paths))
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(settings, fix, unsafe_fixes, started_by),
    )
    futures: list[Future[Outcome] | None] = [None] * len(paths)
    yielded = 0
    try:
        # Biggest files first, so no worker is left with a large file at the end.
        with _starting_workers(context):
            for index in sorted(range(len(paths)), key=lambda i: -_size(paths[i])):
                path = paths[index]
                futures[index] = executor.submit(
                    _work, path, external_of(path), sent_settings(path), index
                )
        # The pool's own record of its workers (the dict it adds them to, not a copy),
        # kept past its shutdown for their exit codes.
        processes = getattr(executor, "_processes", None)
        if processes is None:
            processes = {}
        for index in range(len(paths)):
            future = futures[index]
            assert future is not None
            try:
                outcome = future.result()
            except BrokenProcessPool:
                # A worker died (a crash in native code, the OOM killer, a file over its
                # time limit): finish the rest one file per fresh process, so the culprit
                # is named and others checked; results the pool had already are kept.
                # Waiting for the broken pool's threads to end lets those be forked
                # (a threaded process spawns: a fresh import of jaxlint per file), and
                # has its workers joined.
                executor.shutdown(wait=True, cancel_futures=True)
                unfinished = [
                    rest for rest in range(index, len(paths)) if not _succeeded(futures[rest])
                ]
                # A file whose worker the time limit killed is over it: a second try
                # would only take as long again.
                timed_out = _timed_out(processes, started_by, unfinished)
                for rest in range(index, len(paths)):
                    path, done = paths[rest], futures[rest]
                    yielded += 1
                    if rest in timed_out:
                        yield too_slow(path, own_settings(path)), None
                    elif done is not None and _succeeded(done):
                        yield done.result()
                    else:
                        yield _isolated(
                            path, own_settings(path), fix, unsafe_fixes, external_of(path)
                        )
                return
            yielded += 1
            yield outcome
    finally:
        if yielded == len(paths):
            executor.shutdown(wait=True)
        else:  # interrupted, or the consumer stopped early: stop the workers now
            _stop_pool(executor)


#: How long a stopped pool's workers are given to die of SIGTERM before they are killed.
STOP_GRACE_S = 5.0


def _stop_pool(executor: ProcessPoolExecutor) -> None:
    """Stop a pool at once (an interrupt, or a consumer that stopped early): cancel what
    has not started, end its workers, and wait until the pool's manager thread is done
    with them. That wait is what keeps the exit quiet: concurrent.futures' exit hook
    (run by ``threading._shutdown``) wakes each pool's manager thread through a pipe
    without the lock under which that thread closes the pipe, so a manager thread still
    tearing its pool down as the interpreter exits can close the pipe under the hook's
    write: "Bad file descriptor", a traceback after the run's last line. Once the thread
    has ended, the pipe is marked closed and the hook leaves it alone."""
    from multiprocessing.connection import wait

    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    # Dead workers, not only signalled ones: the manager thread's teardown joins them.
    sentinels = {process.sentinel: process for process in processes}
    deadline = time.monotonic() + STOP_GRACE_S
    while sentinels and (left := deadline - time.monotonic()) > 0:
        for ended in wait(list(sentinels), timeout=left):
            del sentinels[ended]  # type: ignore[arg-type]
    for process in sentinels.values():
        process.kill()  # SIGTERM still blocked (a worker not yet started) or ignored
    executor.shutdown(wait=True, cancel_futures=True)


def _succeeded(future: Future[Outcome] | None) -> bool:
    """Whether a task of a pool came back with its outcome."""
    return (
        future is not None
        and future.done()
        and not future.cancelled()
        and future.exception() is None
    )


def _isolated(
    path: str,
    settings: Settings,
    fix: bool,
    unsafe_fixes: bool | None,
    external: CrossModuleFacts | None = None,
) -> Outcome:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = _context()
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=context,
        initializer=_start_worker,
        initargs=(settings, fix, unsafe_fixes),
    ) as executor:
        with _starting_workers(context):
            future = executor.submit(_work, path, external)
        processes = list((getattr(executor, "_processes", None) or {}).values())
        try:
            return future.result()
        except BrokenProcessPool:
            # The pool's manager thread reaps the dead worker too; a join racing it can
            # find the child gone (ECHILD) before the thread records its exit code, and
            # read none. Once the thread has ended, the code is recorded.
            executor.shutdown(wait=True)
            for process in processes:
                process.join(5)  # reaped, so that its exit code is known
            codes = [process.exitcode for process in processes if process.exitcode]
            if _KILL_SIGNAL is not None and codes and codes[0] == -_KILL_SIGNAL:
                return too_slow(path, settings), None  # native code past the limit
            how = _death(codes[0]) if codes else "died"
            message = f"{path}: internal error: the worker process linting it {how}"
            return FileResult(path, errors=[message]), None
        except BaseException:
            _stop_pool(executor)  # interrupted: no waiting for the file to be linted
            raise


def _death(exitcode: int) -> str:
    """How a worker process ended, from its exit code (negative: the signal)."""
    if exitcode < 0:
        try:
            return f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return f"exited with status {exitcode}"


def _start_reader() -> None:
    _own_signal_handling()
    gc.set_threshold(*LINT_GC_THRESHOLDS)  # syntax trees are acyclic too


#: Below this many files to read, the index is built in this process alone.
MIN_PARALLEL_SUMMARIES = 16


def summarize_files(
    paths: Sequence[str],
    traced_decorators: DecoratorsOf,
    summaries: MutableMapping[str, object],
    jobs: int | None = None,
) -> None:
    """Read the files the project index will read first (those naming a transformation,
    not summarised yet) over ``jobs`` worker processes, before it is built: their
    summaries go into ``summaries`` (by key, where the index looks first) and their
    pre-filter verdicts into :mod:`jaxlint.project.prefilter`'s memory, which the lint workers,
    forked afterwards, inherit."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(paths) < MIN_PARALLEL_SUMMARIES or summaries:
        # One process, few files, or summaries from an earlier run (the cache's): what is
        # left to read is usually a few changed files, which the index reads itself.
        return
    from jaxlint.project.index import names_a_transformation, prefilter, summarize, summary_key
    from jaxlint.project.reader import module_name

    todo: list[str] = []
    for path in paths:
        if not path.endswith(".py"):
            continue
        try:
            source = read_source(path)
        except OSError:
            continue
        decorators = traced_decorators(path)  # the module's own configuration's
        if not names_a_transformation(source, decorators):
            continue
        if summary_key(module_name(path)[1], decorators, source) not in summaries:
            todo.append(path)
    if len(todo) < MIN_PARALLEL_SUMMARIES:
        return  # few enough for the index to read itself
    todo.sort(key=_size, reverse=True)  # biggest first, so no worker is left with one
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = _context()
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_reader)
    try:
        with _starting_workers(context):
            sets = [traced_decorators(path) for path in todo]
            results = executor.map(summarize, todo, sets)
        for decorators, found in zip(sets, results, strict=True):
            if found is not None:
                key, summary, digest, verdict = found
                summaries[key] = summary
                prefilter.remember_verdict(digest, decorators, verdict)
    except BrokenProcessPool:
        pass  # the index reads what is missing itself
    except BaseException:
        _stop_pool(executor)  # interrupted: no waiting for the files being read
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
