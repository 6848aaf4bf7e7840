"""Tie `jaxlint verify`'s workers to their parent, both ways.

- A worker dies with the parent, however the parent ends (SIGKILL included): on Linux
  the kernel sends it SIGKILL when the parent goes (`PR_SET_PDEATHSIG`); elsewhere a
  thread in the worker watches for the parent to change.
- SIGINT and SIGTERM reach the parent only through a thread that reads who sent them
  (`sigtimedwait`). One sent by a worker (a verified function that signals
  `os.getppid()`) is ignored: the user's code cannot end the run and empty the report.
  One sent from outside kills every worker and starts no more (:class:`StoppedError`);
  the run then ends with the signal's exit code and no report.

The workers keep nothing on disk (their job, stdout and stderr are anonymous files), so
a parent that dies leaves no folder behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

#: Linux's prctl option that has the kernel signal a process when its parent exits.
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
#: How often the signal thread looks whether the run is over.
POLL_SECONDS = 0.1


class StoppedError(RuntimeError):
    """No worker starts once a stop signal arrived from outside."""


class Workers:
    """The live worker processes of this parent, for the signal thread to judge senders
    by and to kill."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[int, subprocess.Popen[bytes]] = {}
        # Every worker of the run, finished ones too: a worker may signal and exit before
        # the signal thread reads who sent it.
        self._started: set[int] = set()
        self.stop_signal: int | None = None  # the signal from outside that stopped the run
        self.ignored: list[str] = []  # signals from workers, for one warning line

    def start(self, command: list[str], **options: object) -> subprocess.Popen[bytes]:
        with self._lock:
            if self.stop_signal is not None:
                raise StoppedError("jaxlint verify was asked to stop")
            process = subprocess.Popen(command, **options)  # type: ignore[call-overload]
            self._live[process.pid] = process
            self._started.add(process.pid)
            return process

    def finished(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.pop(process.pid, None)

    def owns(self, pid: int) -> bool:
        """Whether `pid` is a worker of this run or a process in a live worker's group
        (each worker leads its own session, and what the user's code starts stays in it)."""
        with self._lock:
            if pid in self._started:
                return True
            groups = set(self._live)
        with contextlib.suppress(OSError):
            return os.getpgid(pid) in groups
        return False

    def stop(self, signum: int) -> None:
        """Kill every worker's process group; start no more. Killed workers end the
        waits of the threads that started them."""
        with self._lock:
            self.stop_signal = signum
            live = list(self._live.values())
        for process in live:
            kill_group(process)


WORKERS = Workers()


def kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(OSError):
            process.kill()


@contextlib.contextmanager
def signals_judged_by_sender(workers: Workers = WORKERS) -> Iterator[None]:
    """While verifying: a stop signal from outside stops the workers (`workers.stop_signal`
    says which); one from a worker changes nothing."""
    can_wait = hasattr(signal, "sigtimedwait") and hasattr(signal, "pthread_sigmask")
    if not can_wait or threading.current_thread() is not threading.main_thread():
        yield
        return

    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    done = threading.Event()
    workers.stop_signal = None
    workers.ignored.clear()

    def watch() -> None:
        while not done.is_set():
            info = signal.sigtimedwait(STOP_SIGNALS, POLL_SECONDS)
            if info is None:
                continue
            if info.si_pid != os.getpid() and workers.owns(info.si_pid):
                name = signal.Signals(info.si_signo).name
                workers.ignored.append(f"{name} from verify worker {info.si_pid}")
                continue
            workers.stop(info.si_signo)
            return

    watcher = threading.Thread(target=watch, name="jaxlint-verify-signals", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


# --- in the worker --------------------------------------------------------------------------


def die_with_parent(parent: int) -> None:
    """End this process when `parent` ends: by the kernel on Linux, else by a thread.
    Also lets stop signals in again, which the parent blocks while it starts workers."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if sys.platform.startswith("linux") and _set_parent_death_signal():
        if os.getppid() != parent:  # the parent went before the kernel was told
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _set_parent_death_signal() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS * 5)
    os._exit(1)
