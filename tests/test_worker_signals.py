"""Ctrl-C or SIGTERM that reaches a lint worker in the moment after it is forked, before
it has set its own signal handling, is the parent's interrupt like any other: one line,
exit 130 or 143, no traceback from the worker and no "internal error" for its files.

A terminal sends Ctrl-C to the whole process group, workers included; a worker forked a
moment earlier still runs the parent's handlers. That moment is too short to hit at will,
so the signal is sent from inside it: the command runs with the workers' initializer
replaced by one that first signals the whole group, as a terminal would, and then starts
the worker as usual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BUGGY = "import jax\n\n@jax.jit\ndef g(x):\n    print(x)\n    return x\n"

# The command line, where each lint worker signals its process group before it starts.
SIGNALLED_AT_START = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
import jaxlint.run.parallel as parallel
from jaxlint.__main__ import run

real_start = parallel._start_worker
how = getattr(signal, sys.argv[1])

def signalled_start(*args):
    os.killpg(0, how)
    time.sleep(0.2)  # time for a handler inherited from the parent to run
    real_start(*args)

parallel._start_worker = signalled_start
sys.argv = ["jaxlint", *sys.argv[2:]]
run()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("how", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_as_a_worker_starts_is_the_parents_interrupt(
    tmp_path: Path, how: str, code: int, jobs: str
) -> None:
    for n in range(6):
        (tmp_path / f"m{n}.py").write_text(BUGGY)
    ran = subprocess.run(
        [sys.executable, "-c", SIGNALLED_AT_START, how, "check", "--no-cache", "--jobs", jobs],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # the group it signals is its own
    )
    stopped = {"SIGINT": "interrupted", "SIGTERM": "terminated"}[how]
    assert ran.returncode == code, ran.stderr
    assert ran.stderr.splitlines() == [
        f"jaxlint: {stopped}; files already fixed are complete, the rest untouched"
    ], ran.stderr
