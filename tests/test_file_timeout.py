"""A per-file time limit: a file that takes longer than ``file-timeout`` seconds to lint
of CPU is skipped with a warning, in a worker and with ``--jobs 1``, and the other files are
still checked; a bad value is a configuration error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SLOW = (
    "import jax\n\n@jax.jit\ndef f(x):\n"
    + "".join(f"    x = x + {i}\n" for i in range(3000))
    + "    return x\n"
)
BUGGY = "import jax\n\n@jax.jit\ndef g(x):\n    print(x)\n    return x\n"


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaxlint", "check", "--no-cache", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_over_the_time_limit_is_skipped_with_a_warning(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "slow.py").write_text(SLOW)
    (tmp_path / "buggy.py").write_text(BUGGY)
    # The slow file takes far more than a millisecond; the small one may too, so the
    # limit is given to the slow file alone, through its folder's configuration.
    (tmp_path / "sub").mkdir()
    (tmp_path / "slow.py").rename(tmp_path / "sub" / "slow.py")
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.jaxlint]\nfile-timeout = 0.001\n")
    ran = _run(tmp_path, "--jobs", jobs, "--output-format", "concise", ".")
    assert ran.returncode == 1, ran.stderr
    assert ran.stdout.splitlines()[0].startswith("buggy.py:5:5: JL004 ")
    assert (
        "warning: sub/slow.py: skipped (linting it took more than 0.001 s of CPU: `file-timeout`)"
        in ran.stderr
    )


def test_a_file_under_the_time_limit_is_linted(tmp_path: Path) -> None:
    (tmp_path / "buggy.py").write_text(BUGGY)
    ran = _run(tmp_path, "--config", "file-timeout = 30", "--output-format", "concise", ".")
    assert ran.returncode == 1 and "skipped" not in ran.stderr
    assert ran.stdout.splitlines()[0].startswith("buggy.py:5:5: JL004 ")


@pytest.mark.parametrize("value", ["0", "-1", '"soon"', "true"])
def test_a_bad_time_limit_is_a_configuration_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "buggy.py").write_text(BUGGY)
    ran = _run(tmp_path, "--config", f"file-timeout = {value}", ".")
    assert ran.returncode == 2
    assert "must be a positive number of seconds" in ran.stderr


# The command line, where linting a file named native_slow.py runs native code that never
# returns to Python (as libcst's parser of a ~2,000-term sum does for seconds): builtin
# sum over itertools.repeat loops in C, where no Python signal handler can run. Each
# file's lint, in whichever process, is first noted in the file `linted`.
NATIVE_SLOW_RUN = """
import itertools, os, sys
import jaxlint.run.parallel as parallel
from jaxlint.__main__ import run

real_lint_file = parallel.lint_file

def lint_file(path, *args, **kwargs):
    with open("linted", "a") as log:
        log.write(os.path.basename(path) + "\\n")
    if path.endswith("native_slow.py"):
        sum(itertools.repeat(1, 10**13))
    return real_lint_file(path, *args, **kwargs)

parallel.lint_file = lint_file
sys.argv = ["jaxlint", *sys.argv[1:]]
run()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_stuck_in_native_code_past_the_limit_is_replaced(
    tmp_path: Path, jobs: str
) -> None:
    for name in ("a_buggy.py", "z_buggy.py"):
        (tmp_path / name).write_text(BUGGY)
    (tmp_path / "sub").mkdir()
    # The biggest file, so linted first: the others wait in the killed worker's queue.
    (tmp_path / "sub" / "native_slow.py").write_text(BUGGY + "# padding\n" * 50)
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.jaxlint]\nfile-timeout = 0.2\n")
    args = ["check", "--no-cache", "--jobs", jobs, "--output-format", "concise", "."]
    process = subprocess.Popen(
        [sys.executable, "-c", NATIVE_SLOW_RUN, *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a hang can be ended, workers and all
    )
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the run hung in the worker's native code")
    assert process.returncode == 1, err
    reported = [line.split(":")[0] for line in out.splitlines() if " JL004 " in line]
    assert reported == ["a_buggy.py", "z_buggy.py"]
    assert err.splitlines() == [
        "warning: sub/native_slow.py: skipped (linting it took more than 0.2 s of CPU: "
        "`file-timeout`)"
    ], err
    # The file over the limit is tried once, not again after its worker is killed; the
    # files queued behind it in that worker are linted all the same (in fresh ones).
    linted = (tmp_path / "linted").read_text().splitlines()
    assert linted.count("native_slow.py") == 1, linted
    assert sorted(set(linted)) == ["a_buggy.py", "native_slow.py", "z_buggy.py"]


# One file linted in this process, where the limit's handler runs inside a weakref
# callback (Python prints and drops its exception there) or inside a descriptor's
# __set_name__ (Python 3.11 wraps it in a RuntimeError): either way the lint would go on,
# or end as an internal error, instead of being the file's time-limit warning.
LIMIT_WHERE_DROPPED = """
import sys, time, weakref
import jaxlint.run.parallel as parallel
from jaxlint.config import Settings

where = sys.argv[1]
real_lint_file = parallel.lint_file
kept = []

def burn():
    until = time.process_time() + 0.5
    while time.process_time() < until:  # the limit expires here
        pass

class Anything:
    pass

class Descriptor:
    def __set_name__(self, owner, name):
        burn()

def lint_file(path, *args, **kwargs):
    if where == "callback":
        thing = Anything()
        kept.append(weakref.ref(thing, lambda reference: burn()))
        del thing  # the callback runs now
    else:
        type("Made", (), {"field": Descriptor()})
    return real_lint_file(path, *args, **kwargs)

parallel.lint_file = lint_file
result, _ = parallel.lint_one("buggy.py", Settings(file_timeout=0.1), False, False)
print([finding.code for finding in result.findings], result.warnings, result.errors)
"""


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers")
@pytest.mark.parametrize("where", ["callback", "set_name"])
def test_a_limit_whose_exception_is_dropped_on_its_way_still_skips_the_file(
    tmp_path: Path, where: str
) -> None:
    (tmp_path / "buggy.py").write_text(BUGGY)
    ran = subprocess.run(
        [sys.executable, "-c", LIMIT_WHERE_DROPPED, where],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    warning = "buggy.py: skipped (linting it took more than 0.1 s of CPU: `file-timeout`)"
    assert ran.stdout.splitlines() == [f"[] [{warning!r}] []"]
    assert ran.stderr == ""
