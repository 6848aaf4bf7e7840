"""The pre-commit hooks, for real: `pre-commit try-repo` against this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BAD = "import jax.numpy as jnp\n\n\ndef f():\n    x = jnp.zeros(3)\n    x[0] = 1.0\n    return x\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _pre_commit() -> list[str]:
    binary = Path(sys.executable).with_name("pre-commit")
    if binary.exists():
        return [str(binary)]
    if shutil.which("pre-commit"):
        return ["pre-commit"]
    pytest.skip("pre-commit is not installed")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_try_repo_fails_on_bad_file_then_passes_after_fix(tmp_path: Path) -> None:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    (repo / "model.py").write_text(BAD)
    _git(repo, "add", "model.py")
    _git(repo, "commit", "-qm", "bad")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    command = [*_pre_commit(), "try-repo", str(ROOT)]

    failing = subprocess.run(
        [*command, "jaxlint", "--all-files"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "model.py:6:5: JL001" in failing.stdout

    fixing = subprocess.run(
        [*command, "jaxlint-fix", "--all-files"], cwd=repo, env=env, capture_output=True, text=True
    )
    # pre-commit fails a hook that modified files, as with every fixer.
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr
    assert "    x = x.at[0].set(1.0)\n" in (repo / "model.py").read_text()

    passing = subprocess.run(
        [*command, "jaxlint", "--all-files"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert passing.returncode == 0, passing.stdout + passing.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hook_on_a_staged_file_sees_what_other_modules_trace(tmp_path: Path) -> None:
    """pre-commit passes only the staged utils.py; its bugs are visible only through
    train.py's jit, and the hook still reports them, as a whole-project run does."""
    repo = tmp_path / "user-repo"
    shutil.copytree(ROOT / "fixtures" / "crossmod", repo / "crossmod")
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    _git(repo, "add", "crossmod/__init__.py", "crossmod/train.py")
    _git(repo, "commit", "-qm", "the jitted step")
    _git(repo, "add", "crossmod/utils.py")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    hook = subprocess.run(
        [*_pre_commit(), "try-repo", str(ROOT), "jaxlint", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert hook.returncode == 1, hook.stdout + hook.stderr
    reported = [line.split(" ", 2)[:2] for line in hook.stdout.splitlines() if ": JL" in line]
    assert reported == [
        ["crossmod/utils.py:12:5:", "JL004"],
        ["crossmod/utils.py:13:5:", "JL002"],
        ["crossmod/utils.py:14:5:", "JL004"],
    ]
