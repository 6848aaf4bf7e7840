"""A crash in native code while one file is linted (a segfault in libcst's parser or in
CPython) costs that file alone, with ``--jobs 1`` as with many workers: the other files
are still reported, and one error line names the file and how its worker died (exit 2,
an internal failure).

No known input crashes the parser any more (the depth guard refuses the deep nestings
that did), so the crash is simulated: the command runs with ``lint_file`` replaced by one
that kills its own process for a file named ``crash_me.py``. Forked workers inherit the
replacement, as they would inherit a real crasher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BUGGY = "import jax\n\n@jax.jit\ndef g(x):\n    print(x)\n    return x\n"

# The command line, in a process where linting crash_me.py ends with the given signal.
CRASHING_RUN = """
import os, signal, sys
import jaxlint.run.parallel as parallel
from jaxlint.__main__ import run

real_lint_file = parallel.lint_file
how = getattr(signal, sys.argv[1])

def crashing_lint_file(path, *args, **kwargs):
    if path.endswith("crash_me.py"):
        os.kill(os.getpid(), how)
    return real_lint_file(path, *args, **kwargs)

parallel.lint_file = crashing_lint_file
sys.argv = ["jaxlint", *sys.argv[2:]]
run()
"""


def _run(folder: Path, how: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASHING_RUN, how, "check", "--no-cache", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("how", ["SIGSEGV", "SIGABRT"])
def test_a_worker_that_dies_costs_its_file_alone(tmp_path: Path, jobs: str, how: str) -> None:
    for name in ("a_buggy.py", "crash_me.py", "z_buggy.py"):
        (tmp_path / name).write_text(BUGGY)
    ran = _run(tmp_path, how, "--jobs", jobs, "--output-format", "concise", ".")
    assert ran.returncode == 2, ran.stderr
    reported = [line.split(":")[0] for line in ran.stdout.splitlines() if " JL004 " in line]
    assert reported == ["a_buggy.py", "z_buggy.py"]
    errors = [line for line in ran.stderr.splitlines() if "crash_me.py" in line]
    assert errors == [
        f"error: crash_me.py: internal error: the worker process linting it was killed by {how}"
    ], ran.stderr


def test_without_a_crash_the_same_run_reports_every_file(tmp_path: Path) -> None:
    for name in ("a_buggy.py", "b_buggy.py"):
        (tmp_path / name).write_text(BUGGY)
    ran = _run(tmp_path, "SIGSEGV", "--jobs", "1", "--output-format", "concise", ".")
    assert ran.returncode == 1, ran.stderr
    reported = [line.split(":")[0] for line in ran.stdout.splitlines() if " JL004 " in line]
    assert reported == ["a_buggy.py", "b_buggy.py"]
