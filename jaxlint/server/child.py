"""Run one function in a forked child process, which can be killed at once.

A lint cannot stop in the middle of its parse (a second on a 10,000-line file), and the
editor's newest version should not wait for a lint of a version typed over. So the
server's worker hands each lint to a child process forked ahead of time (it inherits
the imported linter: nothing is imported again), with the lint's inputs (the text, the
configuration, the cross-module facts from the project index, which stays in the
server); the child writes its pickled, tree-free result to a pipe, and the scheduler
kills it (SIGKILL) the moment a newer version of its document arrives. At most two
children live at once (the one linting, the standby), and the worker reaps each; a
child also dies with the thread that forked it (Linux's ``PR_SET_PDEATHSIG``), or on
its own when the server closes its pipe, so a stopped or killed server leaves none.

Only on Linux: fork is missing on Windows and unsafe in a threaded process on macOS,
where lints run in the worker thread, stopped at their checkpoints, as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from functools import cache
from typing import TypeVar

Result = TypeVar("Result")

#: Whether lints run in forked children here.
FORKS: bool = sys.platform.startswith("linux") and hasattr(os, "fork")
#: prctl's option: the signal a process gets when the thread that forked it ends.
_PR_SET_PDEATHSIG = 1
_CHUNK = 1 << 20


class ChildKilled(Exception):  # noqa: N818 - what happened to it
    """The child ended without an answer: killed (by the scheduler, or by the system)."""


class ChildFailed(Exception):
    """The function raised in the child; the message is its traceback."""


class LintProcesses:
    """Runs jobs, one at a time, each in a child process forked ahead of it: a warm
    standby, waiting for its job on a pipe, so that no fork is on the way from a
    keystroke to its lint. Handing a job over forks the next standby (while the job
    runs); a job is a picklable function of no arguments that brings all its inputs
    along, so a standby forked before a change of the server's state runs it the same."""

    def __init__(self) -> None:
        self._standby: _Child | None = None

    def run(self, job: Callable[[], Result], register: Callable[[int | None], None]) -> Result:
        """``job()``'s result (picklable), computed in a child. ``register`` is told the
        child's pid once it has the job, and None before it is reaped: killing that pid
        in between stops the job (this raises :class:`ChildKilled` then)."""
        message = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        child = self._take()
        try:
            child.send(message)
        except OSError:  # it died waiting (the system killed it): a fresh one
            child.reap()
            child = _Child()
            child.send(message)
        register(child.pid)
        try:
            with contextlib.suppress(OSError):  # no fork now: the next job forks its own
                self._standby = _Child()
            return child.result()  # type: ignore[no-any-return]
        finally:
            register(None)  # never killed once reaped: its pid may be another process's
            child.reap()

    def close(self) -> None:
        """Stop the standby (the server is stopping)."""
        if self._standby is not None:
            self._standby.kill()
            self._standby.reap()
            self._standby = None

    def _take(self) -> _Child:
        child, self._standby = self._standby, None
        return child if child is not None else _Child()


class _Child:
    """One forked child: it waits for one job, runs it, answers and exits."""

    def __init__(self) -> None:
        death_signal = _death_signal_setter()  # loaded here: the child only calls it
        jobs_out, self._jobs = os.pipe()
        self._results, results_in = os.pipe()
        parent = os.getpid()
        with warnings.catch_warnings():
            # Python 3.12 warns of fork in a threaded process; the child runs only its
            # job, which takes no lock the server's other threads hold (see _serve).
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid = os.fork()
        if self.pid == 0:
            os.close(self._jobs)
            os.close(self._results)
            _serve(jobs_out, results_in, parent, death_signal)
        os.close(jobs_out)
        os.close(results_in)
        self._reaped = False

    def send(self, message: bytes) -> None:
        _write_all(self._jobs, len(message).to_bytes(8, "little") + message)
        os.close(self._jobs)
        self._jobs = -1

    def result(self) -> object:
        chunks = []
        while chunk := os.read(self._results, _CHUNK):
            chunks.append(chunk)
        if not chunks:
            raise ChildKilled("the lint process ended without an answer")
        kind, value = pickle.loads(b"".join(chunks))
        if kind == "failed":
            raise ChildFailed(value)
        return value

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def reap(self) -> None:
        if self._reaped:
            return
        for end in (self._jobs, self._results):
            if end >= 0:
                os.close(end)
        self._jobs = self._results = -1
        os.waitpid(self.pid, 0)
        self._reaped = True


def _serve(jobs: int, results: int, parent: int, death_signal: Callable[[], None]) -> None:
    """The child's whole life: it never returns into the server's code, never touches
    the editor's stdin and stdout, and writes nothing to stderr through Python's streams
    (another thread of the server may have held their locks when it forked)."""
    status = 0
    try:
        death_signal()
        if os.getppid() != parent:  # the server died before the line above
            os._exit(1)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        gc.disable()  # it lives for one lint: its memory goes back when it exits
        size = int.from_bytes(_read_exactly(jobs, 8), "little")
        job = pickle.loads(_read_exactly(jobs, size))
        try:
            payload = pickle.dumps(("done", job()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
            payload = pickle.dumps(("failed", traceback.format_exc()))
        _write_all(results, payload)
    except BaseException:  # noqa: BLE001 - the parent sees no answer: ChildKilled
        status = 1
    finally:
        os._exit(status)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(fd, min(size, _CHUNK))
        if not chunk:
            raise EOFError("the server closed the pipe")  # it stopped: the child ends
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@cache
def _death_signal_setter() -> Callable[[], None]:
    """A function that has the calling (child) process killed when the thread that
    forked it ends: prctl through libc, loaded in the parent."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def set_death_signal() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return set_death_signal
