"""Long fuzz runs in forked batches: ``jobs`` children at a time, each checking one batch
of programs in-process and sending back (programs checked, failures) as JSON. A child
that dies (a crash in native code) costs its batch alone, and is itself a failure that
names the program it was checking: each is written to a scratch file first (``note``).
Forked from a process that has already imported what the checks need, a child starts in
milliseconds."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

#: Records the program about to be checked: its name and its source.
Note = Callable[[str, str], None]
#: Checks batch number N (noting each program first): (programs checked, failures).
Batch = Callable[[int, Note], tuple[int, list[str]]]


def _noter(scratch: Path, number: int) -> Note:
    def note(name: str, source: str) -> None:
        (scratch / f"{number}.py").write_text(source, "utf-8", errors="surrogatepass")
        (scratch / f"{number}.name").write_text(name, "utf-8", errors="replace")

    return note


def _start(batch: Batch, number: int, scratch: Path) -> tuple[int, int]:
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one JSON document back, whatever happens
        os.close(readable)
        try:
            checked, failures = batch(number, _noter(scratch, number))
        except BaseException:  # noqa: BLE001 - reported, not raised, in a child
            checked, failures = 0, [f"batch {number} raised:\n{traceback.format_exc()}"]
        payload = json.dumps([checked, failures]).encode()
        while payload:
            payload = payload[os.write(writable, payload) :]
        os._exit(0)
    os.close(writable)
    return pid, readable


def _finish(pid: int, readable: int, number: int, scratch: Path) -> tuple[int, list[str]]:
    chunks = []
    while chunk := os.read(readable, 1 << 16):
        chunks.append(chunk)
    os.close(readable)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not chunks:
        how = (
            f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
            if os.WIFSIGNALED(status)
            else f"exit status {os.WEXITSTATUS(status)}"
        )
        source, name = scratch / f"{number}.py", scratch / f"{number}.name"
        program = source.read_text("utf-8", "replace") if source.exists() else "?"
        named = name.read_text("utf-8", "replace") if name.exists() else "?"
        return 0, [f"batch {number}: its process died ({how}) checking {named}:\n{program!r}"]
    checked, failures = json.loads(b"".join(chunks))
    return checked, failures


def run_batches(batch: Batch, batches: int, jobs: int, label: str) -> tuple[int, list[str]]:
    """Run batches ``0 .. batches-1`` of ``batch``, ``jobs`` at a time, printing progress
    after each: (programs checked, failures) over all."""
    checked = 0
    failures: list[str] = []
    pending = list(range(batches))
    running: dict[int, tuple[int, int]] = {}  # batch number -> (pid, read end)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jaxlint-fuzz-") as folder:
        scratch = Path(folder)
        while pending or running:
            while pending and len(running) < jobs:
                number = pending.pop(0)
                running[number] = _start(batch, number, scratch)
            number = min(running)  # batches are alike: wait for the oldest
            pid, readable = running.pop(number)
            done, found = _finish(pid, readable, number, scratch)
            checked += done
            failures += found
            minutes = (time.perf_counter() - start) / 60
            print(
                f"{label}: {checked} programs, {len(failures)} failures, {minutes:.1f} min",
                flush=True,
            )
    return checked, failures
