"""The language server's lint scheduler, in one process: which snapshots get linted and
delivered, with a linter the tests control (no pygls, no timing assertions: each wait is
bounded, and reaching a bound is a failure)."""

from __future__ import annotations

import gc
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from jaxlint.config import Settings
from jaxlint.server.child import FORKS
from jaxlint.server.core import Found, ProjectIndexes, analyse, lint_document
from jaxlint.server.scheduler import (
    BURST_FACTOR,
    MOST_BURST_DELAY,
    Cancelled,
    LintScheduler,
    Snapshot,
)

WAIT = 60.0
BAD = "import jax.numpy as jnp\n\n\ndef f():\n    x = jnp.zeros(3)\n    x[0] = 1.0\n    return x\n"


class Linter:
    """Records what it lints; a snapshot whose text starts with "hold" blocks until
    released, calling its checkpoint until then (so it can be cancelled); one whose text
    starts with "slow N" takes N seconds without a checkpoint (as the parse of a large
    file does)."""

    def __init__(self) -> None:
        self.linted: list[int | None] = []
        self.delivered: list[int | None] = []
        self.release = threading.Event()
        self.holding = threading.Event()
        self.done = threading.Event()

    def lint(self, snapshot: Snapshot, checkpoint: Callable[[], None]) -> str:
        self.linted.append(snapshot.version)
        if snapshot.text.startswith("slow"):
            time.sleep(float(snapshot.text.split()[1]))
        if snapshot.text.startswith("hold"):
            self.holding.set()
            while not self.release.wait(0.01):
                checkpoint()
        return snapshot.text

    def deliver(self, snapshot: Snapshot, outcome: str) -> None:
        self.delivered.append(snapshot.version)
        if outcome.endswith("last"):
            self.done.set()


def _snapshot(version: int, text: str, uri: str = "file:///m.py") -> Snapshot:
    return Snapshot(uri, version, text, "/m.py")


@pytest.fixture
def linter() -> Linter:
    return Linter()


@pytest.fixture
def scheduler(linter: Linter):  # type: ignore[no-untyped-def]
    scheduler = LintScheduler(linter.lint, linter.deliver, delay=0.05)
    scheduler.start()
    yield scheduler
    scheduler.stop(wait=WAIT)


def test_a_burst_is_linted_once_at_its_end(linter: Linter, scheduler: LintScheduler) -> None:
    scheduler.delay = WAIT  # nothing is due before the burst's end is declared
    for version in range(1, 11):
        scheduler.submit(_snapshot(version, f"v{version}"), delay=WAIT)
    scheduler.submit(_snapshot(11, "v11 last"), delay=0.0)
    assert linter.done.wait(WAIT)
    assert linter.linted == linter.delivered == [11]


def test_a_newer_version_cancels_the_running_lint(linter: Linter, scheduler: LintScheduler) -> None:
    scheduler.submit(_snapshot(1, "hold"), delay=0.0)
    assert linter.holding.wait(WAIT)
    scheduler.submit(_snapshot(2, "v2 last"), delay=0.0)
    assert linter.done.wait(WAIT)
    # Version 1 stopped at a checkpoint: linted, never delivered.
    assert linter.linted == [1, 2] and linter.delivered == [2]


def test_closing_a_document_cancels_its_lint(linter: Linter, scheduler: LintScheduler) -> None:
    scheduler.submit(_snapshot(1, "hold"), delay=0.0)
    assert linter.holding.wait(WAIT)
    scheduler.forget("file:///m.py")
    scheduler.submit(_snapshot(1, "other last", uri="file:///other.py"), delay=0.0)
    assert linter.done.wait(WAIT)
    assert linter.delivered == [1] and linter.linted == [1, 1]  # only other.py's


def test_a_change_after_a_quiet_spell_is_linted_at_once(linter: Linter) -> None:
    scheduler = LintScheduler(linter.lint, linter.deliver, delay=WAIT)
    scheduler.start()
    try:
        scheduler.submit(_snapshot(1, "v1 last"))  # the first change: no debounce wait
        assert linter.done.wait(WAIT)
        linter.done.clear()
        scheduler.submit(_snapshot(2, "v2 last"))  # right after it: waits for quiet
        assert not linter.done.wait(0.2)
        assert linter.delivered == [1]
    finally:
        scheduler.stop(wait=WAIT)


def test_typing_faster_than_the_lint_waits_longer_than_the_typing_rhythm(
    linter: Linter, scheduler: LintScheduler
) -> None:
    # Opened: its lint shows a step of a second that no checkpoint interrupts.
    scheduler.submit(_snapshot(1, "slow 1.0 last"), delay=0.0)
    assert linter.done.wait(WAIT)
    linter.done.clear()
    assert scheduler.submit(_snapshot(2, "hold")) == 0.0  # the first change: at once
    assert linter.holding.wait(WAIT)
    pause = 0.2  # longer than the scheduler's delay (0.05)
    time.sleep(pause)
    # Version 2 is still linted: the next keystroke is likely to come within the pause
    # seen, so version 3 waits longer than it, rather than start a lint thrown away.
    waited = scheduler.submit(_snapshot(3, "v3 last"))
    assert BURST_FACTOR * pause <= waited <= MOST_BURST_DELAY
    assert linter.done.wait(WAIT)
    linter.done.clear()
    time.sleep(0.1)
    # Nothing runs or waits now: a lone keystroke is linted at once, with no debounce.
    assert scheduler.submit(_snapshot(4, "v4 last")) == 0.0
    assert linter.done.wait(WAIT)
    assert linter.delivered == [1, 3, 4]


def test_where_a_lint_stops_at_once_a_burst_does_not_wait(
    linter: Linter, scheduler: LintScheduler
) -> None:
    # A small file: its lint reaches a checkpoint at once, so a lint typed over costs
    # the final one less than a wait longer than the typing rhythm would.
    scheduler.submit(_snapshot(1, "v1 last"), delay=0.0)
    assert linter.done.wait(WAIT)
    linter.done.clear()
    scheduler.submit(_snapshot(2, "hold"))
    assert linter.holding.wait(WAIT)
    time.sleep(0.2)
    assert scheduler.submit(_snapshot(3, "v3 last")) == 0.0
    assert linter.done.wait(WAIT)
    assert linter.linted == [1, 2, 3] and linter.delivered == [1, 3]


def test_a_burst_starts_no_lint_for_the_versions_typed_over(
    linter: Linter, scheduler: LintScheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Margins far wider than the defaults (each keystroke waits 10x the pause before it,
    # 3 s here), so that a loaded machine's late wake-ups (the keystrokes below are
    # sleeps) cannot let a wait run out first: a sleep would have to overrun by 2.7 s.
    monkeypatch.setattr("jaxlint.server.scheduler.BURST_FACTOR", 10.0)
    monkeypatch.setattr("jaxlint.server.scheduler.MOST_BURST_DELAY", 30.0)
    scheduler.submit(_snapshot(1, "slow 0.1 last"), delay=0.0)
    assert linter.done.wait(WAIT)
    linter.done.clear()
    # The document's lint has a step that cannot stop, longer than any wait below (a
    # large file's parse): as if its lint had taken that long.
    scheduler._longest_step["file:///m.py"] = 60.0
    scheduler.submit(_snapshot(2, "hold"))
    assert linter.holding.wait(WAIT)
    # Keystrokes 0.3 s apart, more than the scheduler's delay (0.05) but faster than the
    # lint of version 2 (held): each waits 3 s, and the next one comes first.
    for version in (3, 4):
        time.sleep(0.3)
        scheduler.submit(_snapshot(version, f"v{version}"))
    time.sleep(0.3)
    scheduler.submit(_snapshot(5, "v5 last"))
    assert linter.done.wait(WAIT)
    assert linter.linted == [1, 2, 5] and linter.delivered == [1, 5]


def test_a_lint_runs_with_the_collector_off_and_idle_time_collects(linter: Linter) -> None:
    class Node:
        """What a lint leaves behind: a cycle, which only the collector frees."""

        other: object = None

    collector_on: list[bool] = []
    freed = threading.Event()

    def lint(snapshot: Snapshot, checkpoint: Callable[[], None]) -> str:
        collector_on.append(gc.isenabled())
        first, second = Node(), Node()
        first.other, second.other = second, first
        weakref.finalize(first, freed.set)
        return linter.lint(snapshot, checkpoint)

    assert gc.isenabled()
    collecting = LintScheduler(lint, linter.deliver, delay=0.0)
    collecting.start()
    try:
        collecting.submit(_snapshot(1, "v1 last"))
        assert linter.done.wait(WAIT)
        assert freed.wait(WAIT)  # once the worker had nothing to do
        assert collector_on == [False] and gc.isenabled()
    finally:
        collecting.stop(wait=WAIT)


def test_a_failing_lint_does_not_stop_the_worker(linter: Linter) -> None:
    def lint(snapshot: Snapshot, checkpoint: Callable[[], None]) -> str:
        if snapshot.text == "boom":
            raise RuntimeError("boom")
        return linter.lint(snapshot, checkpoint)

    failing = LintScheduler(lint, linter.deliver, delay=0.0)
    failing.start()
    try:
        failing.submit(_snapshot(1, "boom", uri="file:///a.py"))
        failing.submit(_snapshot(1, "fine last", uri="file:///b.py"))
        assert linter.done.wait(WAIT)
    finally:
        failing.stop(wait=WAIT)


def test_the_engine_stops_at_a_checkpoint(tmp_path: Path) -> None:
    # Between its steps (pre-filter, parse, model, each rule, positions) the engine calls
    # the checkpoint; what it raises ends the lint, and is no internal error.
    calls = []

    def checkpoint() -> None:
        calls.append(len(calls))
        if len(calls) == 3:
            raise Cancelled("file:///m.py")

    with pytest.raises(Cancelled):
        analyse(str(tmp_path / "m.py"), BAD, Settings(), checkpoint=checkpoint)
    assert len(calls) == 3
    counted: list[int] = []
    analysis = analyse(
        str(tmp_path / "m.py"), BAD, Settings(), checkpoint=lambda: counted.append(1)
    )
    assert [f.code for f in analysis.findings] == ["JL001"] and len(counted) > 3


# ---------------------------------------------------------------- lints in child processes

needs_fork = pytest.mark.skipif(not FORKS, reason="lints run in child processes on Linux only")


def _children() -> set[int]:
    """The pids of this process's living (or unreaped) children (Linux)."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(pid) for pid in (task / "children").read_text().split())
    return pids


class ForkedLinter(Linter):
    """Lints in a child process (through ``isolated``): the job answers the child's pid,
    after sleeping N seconds for a text "sleep N" (a parse nothing interrupts)."""

    scheduler: LintScheduler

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[str] = []

    def deliver(self, snapshot: Snapshot, outcome: str) -> None:
        self.outcomes.append(outcome)
        super().deliver(snapshot, outcome)

    def lint(self, snapshot: Snapshot, checkpoint: Callable[[], None]) -> str:
        self.linted.append(snapshot.version)
        seconds = float(snapshot.text.split()[1]) if snapshot.text.startswith("sleep") else 0.0
        self.holding.set()
        pid = self.scheduler.isolated(partial(_sleep_then_pid, seconds))
        return f"{pid} {snapshot.text}"


def _sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


@pytest.fixture
def forked() -> Iterator[ForkedLinter]:
    linter = ForkedLinter()
    scheduler = LintScheduler(linter.lint, linter.deliver, delay=0.0, fork=True)
    linter.scheduler = scheduler
    before = _children()
    scheduler.start()
    yield linter
    scheduler.stop(wait=WAIT)
    # The worker reaped every child it forked, the standby included.
    assert _children() <= before


@needs_fork
def test_a_lint_runs_in_a_child_that_a_newer_version_kills_at_once(forked: ForkedLinter) -> None:
    forked.scheduler.submit(_snapshot(1, "sleep 1000"), delay=0.0)
    assert forked.holding.wait(WAIT)
    started = time.monotonic()
    forked.scheduler.submit(_snapshot(2, "sleep 0 last"), delay=0.0)
    assert forked.done.wait(WAIT)
    # Version 1's job would sleep for 1000 s: it was killed, not waited for.
    assert time.monotonic() - started < WAIT
    assert forked.linted == [1, 2] and forked.delivered == [2]


@needs_fork
def test_each_lint_has_a_child_of_its_own(forked: ForkedLinter) -> None:
    for version in (1, 2):
        forked.done.clear()
        forked.scheduler.submit(_snapshot(version, "sleep 0 last"), delay=0.0)
        assert forked.done.wait(WAIT)
    pids = [int(outcome.split()[0]) for outcome in forked.outcomes]
    assert len(set(pids)) == 2 and os.getpid() not in pids


@needs_fork
def test_closing_a_document_kills_its_lint(forked: ForkedLinter) -> None:
    forked.scheduler.submit(_snapshot(1, "sleep 1000"), delay=0.0)
    assert forked.holding.wait(WAIT)
    forked.scheduler.forget("file:///m.py")
    forked.scheduler.submit(_snapshot(1, "sleep 0 last", uri="file:///other.py"), delay=0.0)
    assert forked.done.wait(WAIT)
    assert forked.delivered == [1] and forked.linted == [1, 1]


def test_where_lints_cannot_fork_they_run_in_the_worker_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windows and macOS: the in-thread path, stopped at its checkpoints."""
    monkeypatch.setattr("jaxlint.server.scheduler.FORKS", False)
    linter = ForkedLinter()
    scheduler = LintScheduler(linter.lint, linter.deliver, delay=0.0, fork=True)
    linter.scheduler = scheduler
    scheduler.start()
    try:
        assert not scheduler.forks
        scheduler.submit(_snapshot(1, "sleep 0 last"), delay=0.0)
        assert linter.done.wait(WAIT)
    finally:
        scheduler.stop(wait=WAIT)
    assert linter.outcomes == [f"{os.getpid()} sleep 0 last"]


def test_a_lint_done_elsewhere_is_linted_again_for_its_fixes(tmp_path: Path) -> None:
    """What a child brings back (findings only) answers a code action as the in-thread
    lint does: the first one lints the text again here, for the tree its fixes edit."""
    path = tmp_path / "m.py"
    path.write_text(BAD)
    uri, indexes = path.as_uri(), ProjectIndexes()
    here = lint_document(uri, str(path), BAD, indexes).analysis
    jobs: list[object] = []

    def isolated(job: Callable[[], Found]) -> Found:
        jobs.append(pickle.loads(pickle.dumps(job)))  # what a child is sent
        return pickle.loads(pickle.dumps(job()))  # and what it answers

    elsewhere = lint_document(uri, str(path), BAD, indexes, isolated=isolated).analysis
    assert here is not None and elsewhere is not None and len(jobs) == 1
    assert elsewhere.module is None and elsewhere.findings == here.findings
    assert [finding for finding, _ in elsewhere.attached()] == here.findings
    assert [finding.fix for finding, _ in elsewhere.with_edits()] == [
        finding.fix for finding, _ in here.with_edits()
    ]
    assert elsewhere.fix_all() == here.fix_all() and here.fix_all()
