"""`jaxlint verify` and signals: its workers die with it, and its report survives the code
it verifies.

Stopped from outside (SIGTERM, SIGINT, even SIGKILL), `jaxlint verify` leaves no worker
running and no folder behind. A verified function that signals its parent (the verify
process) cannot stop the run: every function is still reported.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("jax")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

#: ``python -m jaxlint`` with Ctrl-C raising KeyboardInterrupt, as from a terminal: a suite
#: started with SIGINT ignored (in the background, say) would pass that on to the child.
WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'jaxlint'; runpy.run_module('jaxlint', run_name='__main__')"
)

HANGS = '''
"""Writes its worker's pid where the test can see it, then hangs in a function."""

import os
import pathlib
import time

import jax.numpy as jnp

pathlib.Path(os.environ["WORKER_PID_FILE"]).write_text(str(os.getpid()))


def sleeps(x):
    time.sleep(600)
    return x


JAXLINT_EXAMPLES = {"sleeps": (jnp.ones(2),)}
'''

SIGNALS_PARENT = '''
"""Each function signals the process that runs it, before doing its work."""

import os
import signal

import jax.numpy as jnp


def terminates_parent(x):
    os.kill(os.getppid(), signal.SIGTERM)
    return x * 2.0


def interrupts_parent(x):
    os.kill(os.getppid(), signal.SIGINT)
    return x + 1.0


def after_them(x):
    return x - 1.0


JAXLINT_EXAMPLES = {
    "terminates_parent": (jnp.ones(2),),
    "interrupts_parent": (jnp.ones(2),),
    "after_them": (jnp.ones(2),),
}
'''


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead: it only waits for its (new) parent to reap it.
    status = Path(f"/proc/{pid}/stat")
    if status.exists():
        fields = status.read_text().rsplit(")", 1)[-1].split()
        return bool(fields) and fields[0] != "Z"
    return True


def _wait_until_dead(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)


def _start_hanging_verify(tmp_path: Path) -> tuple[subprocess.Popen[str], int, Path]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "hangs.py").write_text(HANGS)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    pid_file = tmp_path / "worker.pid"
    environment = dict(
        os.environ, TMPDIR=str(scratch), WORKER_PID_FILE=str(pid_file), JAX_PLATFORMS="cpu"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, "verify", "--device", "cpu", "--timeout", "300"],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while not pid_file.exists() or not pid_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"the worker never imported the module: {out} {err}")
        time.sleep(0.05)
    time.sleep(0.5)  # into the function, past the import
    return process, int(pid_file.read_text()), scratch


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_verify_stops_its_workers_and_leaves_no_folder(
    tmp_path: Path, signum: int
) -> None:
    process, worker, scratch = _start_hanging_verify(tmp_path)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, out + err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        f"jaxlint verify: {'terminated' if signum == signal.SIGTERM else 'interrupted'}; "
        "its workers are stopped, no report"
    )
    assert out == ""
    assert _wait_until_dead(worker, 10), "the worker outlived jaxlint verify"
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_killed_verify_takes_its_workers_with_it(tmp_path: Path) -> None:
    process, worker, scratch = _start_hanging_verify(tmp_path)
    process.kill()  # SIGKILL: no cleanup of its own can run
    process.communicate(timeout=60)
    assert _wait_until_dead(worker, 10), "the worker outlived jaxlint verify"
    assert list(scratch.iterdir()) == []


def test_a_function_that_signals_its_parent_cannot_empty_the_report(tmp_path: Path) -> None:
    (tmp_path / "signals_parent.py").write_text(textwrap.dedent(SIGNALS_PARENT))
    completed = subprocess.run(
        [sys.executable, "-c", WITH_CTRL_C, "verify", "--device", "cpu", "--format", "json"],
        cwd=tmp_path,
        env=dict(os.environ, JAX_PLATFORMS="cpu"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = {row["function"]: row["verdict"] for row in json.loads(completed.stdout)}
    assert rows == {
        "signals_parent:terminates_parent": "pass",
        "signals_parent:interrupts_parent": "pass",
        "signals_parent:after_them": "pass",
    }
    assert "stop signal(s) that the code under verification sent to jaxlint" in (completed.stderr)
