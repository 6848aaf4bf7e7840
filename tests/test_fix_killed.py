"""``--fix`` killed with SIGKILL at any moment (no handler, no cleanup of its own): every
file is left either as it was or completely fixed, with one worker process or two, and a
temporary file left by a kill inside the write of one (the rename's fsync) is removed by
the next fix run there. Twenty kills: half at moments spread over a whole run,
half once writing has begun."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import libcst as cst
import pytest

ORIGINAL = (
    "import jax.numpy as jnp\n\n\ndef f(i):\n    x = jnp.zeros(3)\n    x[i] = 1.0\n    return x\n"
    + "".join(
        f"\n\ndef pad{k}(a, b):\n    return [a + b * {k} for _ in range(3)]\n" for k in range(30)
    )
)
FIXED = ORIGINAL.replace("    x[i] = 1.0", "    x = x.at[i].set(1.0)")
FILES = 40
TRIALS = 20


def _start_fix(folder: Path, jobs: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jaxlint", "--no-cache", "--fix", "--jobs", jobs, "."],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers are killed with it
    )


def _reset(folder: Path) -> None:
    for n in range(FILES):
        (folder / f"m{n:02}.py").write_text(ORIGINAL)


@pytest.mark.slow  # twenty-one runs of the command: about 25 s of CPU
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_fix_killed_at_random_moments_leaves_each_file_whole(tmp_path: Path) -> None:
    _reset(tmp_path)
    started = time.monotonic()
    assert _start_fix(tmp_path, "2").wait(timeout=300) == 0
    whole_run = time.monotonic() - started
    assert all((tmp_path / f"m{n:02}.py").read_text() == FIXED for n in range(FILES))
    moments = random.Random(23)
    outcomes: set[str] = set()
    for trial in range(TRIALS):
        _reset(tmp_path)
        process = _start_fix(tmp_path, "1" if trial % 4 < 2 else "2")
        if trial % 2:  # once writing has begun (files are written in order)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                if (tmp_path / "m00.py").read_text() == FIXED:
                    break
                time.sleep(0.002)
            time.sleep(moments.uniform(0, whole_run / 4))
        else:  # at any moment of a run, start-up included
            time.sleep(moments.uniform(0, whole_run))
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it had finished
        process.wait(timeout=60)
        contents = [(tmp_path / f"m{n:02}.py").read_text() for n in range(FILES)]
        torn = [n for n, text in enumerate(contents) if text not in (ORIGINAL, FIXED)]
        assert torn == [], (trial, torn)
        for text in contents:
            cst.parse_module(text)
        if list(tmp_path.glob(".jaxlint-*")):
            # Killed in the window of an fsync between creating its temporary file and
            # renaming it: the next fix run there removes it, and finishes the job.
            assert _start_fix(tmp_path, "1").wait(timeout=300) == 0
            assert list(tmp_path.glob(".jaxlint-*")) == [], trial
            assert all((tmp_path / f"m{n:02}.py").read_text() == FIXED for n in range(FILES))
        fixed = sum(text == FIXED for text in contents)
        outcomes.add("none" if fixed == 0 else "all" if fixed == FILES else "some")
    # Some kills landed while files were being written (not only before or after).
    assert "some" in outcomes, (whole_run, outcomes)
