"""Lints on one worker thread, each document's newest version only, after a pause in typing.

The editor's thread hands over a :class:`Snapshot` per change and never waits: requests
(hover, code actions) are answered meanwhile from the last finished lint. A change after
a quiet spell is linted at once. In a burst, a change waits until no newer one of its
document arrived for ``delay`` seconds, or, while keystrokes come faster than the lint,
for longer than the typing rhythm: a burst costs one lint, and starts none it throws
away. A lint whose document changed again stops at its next checkpoint (see
:class:`jaxlint.driver.engine.FileLinter`), and one that finishes anyway is delivered
with its version, for the editor's thread to drop it if stale. Where lints fork
(``fork=True``, Linux), the lint's costly part runs in a child process (:meth:`isolated`),
killed the moment its document changes again: nothing is left to wait for, so a change
is linted at once, without the burst's wait (unless the client asked for a debounce).
The cycle collector sleeps while a lint runs (a syntax tree is tens of thousands of
acyclic objects it would walk again and again: a third of a lint) and collects once the
worker has nothing due, after the lint's outcome had a moment to be published.
No pygls and no linter here: both come in as functions, so tests can slow them down.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

from jaxlint.server.child import FORKS, ChildKilled, LintProcesses

Outcome = TypeVar("Outcome")
Result = TypeVar("Result")
_log = logging.getLogger(__name__)

#: Seconds the worker leaves the editor's thread to publish a lint before it collects
#: the lint's garbage (a collection holds the interpreter, and publishing needs it).
COLLECT_AFTER = 0.05
#: Objects allocated and not freed since the last collection, past which the worker
#: collects before its next lint even in the middle of a burst (memory stays bounded).
MOST_UNCOLLECTED = 2_000_000
#: A change typed while its document's previous change is still linted or waiting waits
#: this many times the pause before it: longer than the typing rhythm, so the next
#: keystroke comes first and no lint starts that it would throw away (where that wait is
#: shorter than what a superseded lint of the document may run on, see _typed_delay).
BURST_FACTOR = 1.5
#: The longest wait of a change in a burst (seconds); a change after a longer pause is
#: linted at once, whatever still runs.
MOST_BURST_DELAY = 1.0


class Cancelled(Exception):  # noqa: N818 - what happened, as asyncio.CancelledError says it
    """Raised at a lint's checkpoint: its document changed or closed since it started."""


@dataclass(frozen=True)
class Snapshot:
    """One version of one open document, as the editor's thread saw it."""

    uri: str
    version: int | None
    text: str
    #: the file system path of ``uri`` (pygls's ``TextDocument.path``)
    path: str


class LintScheduler(Generic[Outcome]):
    """Runs ``lint(snapshot, checkpoint)`` on a worker thread and hands each outcome to
    ``deliver(snapshot, outcome)`` (on the worker thread: the caller moves it to its own).
    ``checkpoint()`` raises :class:`Cancelled` once the snapshot is superseded or closed."""

    def __init__(
        self,
        lint: Callable[[Snapshot, Callable[[], None]], Outcome],
        deliver: Callable[[Snapshot, Outcome], None],
        delay: float,
        *,
        prepare: Callable[[], None] | None = None,
        fork: bool = False,
    ) -> None:
        self._lint = lint
        #: the costly part of each lint runs in a child process, killed when superseded
        self.forks = fork and FORKS
        self._processes = LintProcesses() if self.forks else None
        self._deliver = deliver
        self.delay = delay
        # run first on the worker (imports the linter: the server answers `initialize` first)
        self._prepare = prepare
        self._changed = threading.Condition()
        #: uri -> (when it is due, the newest snapshot not yet linted)
        self._pending: dict[str, tuple[float, Snapshot]] = {}
        #: uri -> when it last changed as typed
        self._last_change: dict[str, float] = {}
        #: uri -> the longest a lint of it ran between two checkpoints (seconds): how long
        #: a superseded lint of it may go on before it stops (the parse cannot be stopped)
        self._longest_step: dict[str, float] = {}
        self._running: Snapshot | None = None
        #: the pid of the running lint's child process, while it runs
        self._child: int | None = None
        #: the running snapshot's document closed meanwhile
        self._closed = False
        self._stopped = False
        #: the collector was on when the worker turned it off, and owes a collection
        self._collector_paused = False
        self._thread = threading.Thread(target=self._work, name="jaxlint-lint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float | None = None) -> None:
        """Stop the worker after its current lint (which stops at its next checkpoint);
        with ``wait``, wait that many seconds at most for it to end (its collector
        resumed: the cycle collector is the process's, not the worker's)."""
        with self._changed:
            self._stopped = True
            self._pending.clear()
            self._kill_superseded()
            self._changed.notify_all()
        if wait is not None and self._thread.is_alive():
            self._thread.join(wait)

    def submit(self, snapshot: Snapshot, delay: float | None = None) -> float:
        """Lint ``snapshot`` after ``delay`` unless a newer one of its document comes
        first; a lint of an older one stops at its next checkpoint. Without ``delay``
        (a change as typed), see :meth:`_typed_delay`. Returns the delay."""
        now = time.monotonic()
        with self._changed:
            if delay is None:
                delay = self._typed_delay(snapshot.uri, now)
                self._last_change[snapshot.uri] = now
            self._pending[snapshot.uri] = (now + delay, snapshot)
            self._kill_superseded()
            self._changed.notify_all()
        return delay

    def _typed_delay(self, uri: str, now: float) -> float:
        """How long a change typed at ``now`` waits. The first change after a quiet spell
        is linted at once (one keystroke costs no wait); one closely following another
        waits ``delay``. One that comes while the change before it is still linted or
        waiting (typing faster than the lint) waits longer than the pause before it, so
        that a burst starts no lint for the versions typed over, where that wait is
        shorter than the longest step of the document's lint: the final lint of a burst
        would otherwise wait as long for a lint typed over to stop (a small file's lint
        stops at once, and costs less than the wait)."""
        last = self._last_change.get(uri)
        if last is None:
            return 0.0
        pause = now - last
        if self.forks:  # a lint typed over is killed at once: nothing to wait for
            return self.delay if pause < self.delay else 0.0
        running = self._running is not None and self._running.uri == uri
        if (running or uri in self._pending) and pause <= MOST_BURST_DELAY:
            burst = max(self.delay, min(BURST_FACTOR * pause, MOST_BURST_DELAY))
            if burst < self._longest_step.get(uri, 0.0):
                return burst
        return self.delay if pause < self.delay else 0.0

    def forget(self, uri: str) -> None:
        """The document closed: nothing more of it is linted (a running lint stops)."""
        with self._changed:
            self._pending.pop(uri, None)
            self._last_change.pop(uri, None)
            self._longest_step.pop(uri, None)
            if self._running is not None and self._running.uri == uri:
                self._closed = True
            self._kill_superseded()
            self._changed.notify_all()

    def busy(self) -> bool:
        """Whether a lint runs or waits (for tests and benchmarks)."""
        with self._changed:
            return self._running is not None or bool(self._pending)

    def isolated(self, job: Callable[[], Result]) -> Result:
        """``job()``, computed for the running lint in a child process that is killed as
        soon as the lint's document changes again or closes (raising :class:`Cancelled`);
        in this thread where the scheduler does not fork. ``job`` and its result are
        pickled: a function of no arguments that brings its inputs along. Called by
        ``lint`` on the worker thread."""
        if self._processes is None:
            return job()
        snapshot = self._running
        assert snapshot is not None, "isolated() runs within a lint"

        def register(pid: int | None) -> None:
            with self._changed:
                self._child = pid
                self._kill_superseded()  # superseded while it was being forked

        try:
            return self._processes.run(job, register)
        except ChildKilled:
            with self._changed:
                if self._superseded(snapshot):
                    raise Cancelled(snapshot.uri) from None
            raise  # killed by something else: a failed lint

    def _superseded(self, snapshot: Snapshot) -> bool:
        """Whether the lint of ``snapshot`` is of no more use (the lock held)."""
        return self._stopped or self._closed or snapshot.uri in self._pending

    def _kill_superseded(self) -> None:
        """Kill the running lint's child process if its lint is of no more use (the
        lock held: the worker reaps the child, and forgets its pid first)."""
        if self._child is not None and self._running is not None:
            if self._superseded(self._running):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._child, signal.SIGKILL)

    # ------------------------------------------------------------------ the worker

    def _next(self) -> Snapshot | None:
        """The snapshot due first, once it is due; None when stopped. Waiting for it,
        the worker collects the garbage of the lints before."""
        while True:
            with self._changed:
                if self._stopped:
                    return None
                wait: float | None = None
                if self._pending:
                    uri, (due, snapshot) = min(self._pending.items(), key=lambda item: item[1][0])
                    wait = due - time.monotonic()
                    if wait <= 0:
                        del self._pending[uri]
                        self._running = snapshot
                        return snapshot
                if not self._collector_paused:
                    self._changed.wait(wait)
                    continue
                # Collect only after a quiet moment: the outcome just delivered is
                # published meanwhile, and a change arriving now is linted first.
                quiet = COLLECT_AFTER if wait is None else min(wait, COLLECT_AFTER)
                if self._changed.wait(quiet) or quiet < COLLECT_AFTER:
                    continue
            self._resume_collector()

    def _pause_collector(self) -> None:
        if not self._collector_paused and gc.isenabled():
            gc.disable()
            self._collector_paused = True

    def _resume_collector(self) -> None:
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()
            gc.collect()

    def _checkpoint(self, snapshot: Snapshot, steps: list[float]) -> Callable[[], None]:
        """The lint's checkpoint; it appends to ``steps`` when it is called."""

        def checkpoint() -> None:
            steps.append(time.monotonic())
            with self._changed:
                if self._superseded(snapshot):
                    raise Cancelled(snapshot.uri)

        return checkpoint

    def _measured(self, uri: str, steps: list[float], finished: bool) -> None:
        """Remember the longest step of a lint of ``uri`` (``steps``: when it started, its
        checkpoints, when it ended). A finished lint tells it; one stopped early may
        have stopped before its longest step, so it only adds to what is known."""
        longest = max((b - a for a, b in pairwise(steps)), default=0.0)
        if not finished:
            longest = max(longest, self._longest_step.get(uri, 0.0))
        self._longest_step[uri] = longest

    def _work(self) -> None:
        if self._prepare is not None:
            self._prepare()
        try:
            self._lint_all()
        finally:
            if self._processes is not None:
                self._processes.close()
            self._resume_collector()

    def _lint_all(self) -> None:
        while (snapshot := self._next()) is not None:
            if gc.get_count()[0] > MOST_UNCOLLECTED:
                self._resume_collector()
            self._pause_collector()
            steps = [time.monotonic()]
            finished = False
            try:
                outcome = self._lint(snapshot, self._checkpoint(snapshot, steps))
                finished = True
            except Cancelled:
                continue  # a newer version is pending (its lint comes next), or none
            except Exception:  # noqa: BLE001 - one failed lint must not stop the worker
                _log.exception("jaxlint: linting %s failed", snapshot.uri)
                continue
            finally:
                steps.append(time.monotonic())
                with self._changed:
                    self._running = None
                    self._closed = False
                    self._measured(snapshot.uri, steps, finished)
            try:
                self._deliver(snapshot, outcome)
            except Exception:  # noqa: BLE001 - nor one failed delivery
                _log.exception("jaxlint: delivering the lint of %s failed", snapshot.uri)
