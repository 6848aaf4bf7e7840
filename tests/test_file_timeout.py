"""A per-file time limit: a file that takes longer than ``file-timeout`` seconds to lint
of CPU is skipped with a warning, in a worker and with ``--jobs 1``, and the other files are
still checked; a bad value is a configuration error."""

from __future__ import annotations

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
