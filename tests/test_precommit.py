"""The pre-commit hooks, for real: `pre-commit try-repo` against this repository, and the
README's pre-commit and CI recipes. Every hook runs from one clone of this checkout, so
that pre-commit builds its environment once for the module."""

from __future__ import annotations

import json
import os
import re
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
def test_try_repo_fails_on_bad_file_then_passes_after_fix(
    tmp_path: Path, clone: tuple[Path, str], hook_env: dict[str, str]
) -> None:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    (repo / "model.py").write_text(BAD)
    _git(repo, "add", "model.py")
    _git(repo, "commit", "-qm", "bad")

    env = hook_env
    path, commit = clone
    command = [*_pre_commit(), "try-repo", str(path)]
    ref = ["--ref", commit]  # after the hook's id: argparse takes no positional after it

    failing = subprocess.run(
        [*command, "jaxlint", *ref, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "model.py:6:5: JL001" in failing.stdout

    fixing = subprocess.run(
        [*command, "jaxlint-fix", *ref, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    # pre-commit fails a hook that modified files, as with every fixer.
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr
    assert "    x = x.at[0].set(1.0)\n" in (repo / "model.py").read_text()

    passing = subprocess.run(
        [*command, "jaxlint", *ref, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert passing.returncode == 0, passing.stdout + passing.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hook_on_a_staged_file_sees_what_other_modules_trace(
    tmp_path: Path, clone: tuple[Path, str], hook_env: dict[str, str]
) -> None:
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

    path, commit = clone
    hook = subprocess.run(
        [*_pre_commit(), "try-repo", str(path), "jaxlint", "--ref", commit, "--verbose"],
        cwd=repo,
        env=hook_env,
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


# ---------------------------------------------------------------- the README's recipes
#
# Each recipe of the README's pre-commit and GitHub Actions sections, taken from the
# README itself, runs in a fresh git repository against a clone of this checkout (its
# files as they are now, committed in a repository of their own: what a user clones).

README = ROOT / "README.md"
CLONE_PATH = "/path/to/jaxlint"
GIT_URL = "https://HOST/OWNER/jaxlint.git"
HELPER = 'def log_loss(loss):\n    print("loss", loss)\n    return loss\n'
UNTRACED = "import jax.numpy as jnp\n\n\ndef step(x):\n    return jnp.sum(x)\n"
JITTED = (
    "import jax\nimport jax.numpy as jnp\n\nfrom helpers import log_loss\n\n\n"
    "@jax.jit\ndef step(x):\n    return log_loss(jnp.sum(x))\n"
)
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# a notebook"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import jax\n", "\n", "\n", "@jax.jit\n", "def f(x):\n", "    print(x)\n"],
        },
    ],
    "metadata": {"language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _readme_block(language: str, marker: str) -> str:
    """The README's one fenced ``language`` block that contains ``marker``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    found = [block for block in blocks if marker in block]
    assert len(found) == 1, f"{len(found)} README {language} blocks with {marker!r}"
    return found[0]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this checkout's files as they are now; its path and the
    commit."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
        capture_output=True,
    )
    if listed.returncode != 0:
        pytest.skip("this checkout is not a git work tree")
    clone = tmp_path_factory.mktemp("clone") / "jaxlint"
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    _git(clone, "init", "-q")
    _git(clone, "config", "user.email", "dev@example.com")
    _git(clone, "config", "user.name", "dev")
    _git(clone, "add", ".")
    _git(clone, "commit", "-qm", "jaxlint as it is now")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, check=True, capture_output=True, text=True
    ).stdout.strip()
    return clone, commit


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit store for the module, so that each hook environment is built once."""
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "NO_COLOR": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    return env


def _user_repository(path: Path) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "dev@example.com")
    _git(path, "config", "user.name", "dev")
    return path


def test_remote_hook_from_a_clone_blocks_the_commit_that_causes_a_bug(
    tmp_path: Path, clone: tuple[Path, str], hook_env: dict[str, str]
) -> None:
    """The README's `repo:` recipe, installed as a git hook: commit 1 (an untraced helper
    that prints) passes; commit 2, which changes only train.py to jit the helper, is
    refused, naming the helper's print."""
    path, commit = clone
    config = _readme_block("yaml", f"repo: {CLONE_PATH}")
    config = config.replace(CLONE_PATH, str(path)).replace("REV", commit)
    repo = _user_repository(tmp_path / "user-repo")
    (repo / ".pre-commit-config.yaml").write_text(config)
    (repo / "helpers.py").write_text(HELPER)
    (repo / "train.py").write_text(UNTRACED)
    pre_commit = _pre_commit()
    subprocess.run([*pre_commit, "install"], cwd=repo, env=hook_env, check=True)
    _git(repo, "add", ".")
    first = subprocess.run(
        ["git", "commit", "-qm", "an untraced helper"],
        cwd=repo,
        env=hook_env,
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stdout + first.stderr

    (repo / "train.py").write_text(JITTED)
    _git(repo, "add", "train.py")
    second = subprocess.run(
        ["git", "commit", "-qm", "jit the step"],
        cwd=repo,
        env=hook_env,
        capture_output=True,
        text=True,
    )
    assert second.returncode == 1, second.stdout + second.stderr
    # git gives a hook's output to stderr.
    reported = [line for line in second.stderr.splitlines() if ": JL" in line]
    assert [line.split(" ", 2)[:2] for line in reported] == [["helpers.py:2:5:", "JL004"]]
    assert reported[0].endswith("(caused by a change in train.py)")
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert log.stdout.splitlines() == ["an untraced helper"]


def test_local_hook_installed_from_a_path_lints_notebooks(
    tmp_path: Path, clone: tuple[Path, str], hook_env: dict[str, str]
) -> None:
    path, _ = clone
    config = _readme_block("yaml", "repo: local").replace(CLONE_PATH, str(path))
    assert "types_or: [python, pyi, jupyter]" in config
    repo = _user_repository(tmp_path / "user-repo")
    (repo / ".pre-commit-config.yaml").write_text(config)
    (repo / "model.py").write_text(BAD)
    (repo / "analysis.ipynb").write_text(json.dumps(NOTEBOOK))
    _git(repo, "add", ".")
    done = subprocess.run(
        [*_pre_commit(), "run", "--all-files"],
        cwd=repo,
        env=hook_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    reported = [line.split(" ", 2)[:2] for line in done.stdout.splitlines() if ": JL" in line]
    assert sorted(reported) == [["analysis.ipynb:cell", "2:6:5:"], ["model.py:6:5:", "JL001"]]


def test_ci_recipe_installs_from_a_git_url_and_annotates(
    tmp_path: Path, clone: tuple[Path, str]
) -> None:
    """The GitHub Actions recipe's commands: pip install from the repository's git URL
    (a file:// one here), then `jaxlint --format github .`."""
    path, commit = clone
    steps = _readme_block("yaml", "actions/setup-python")
    install = re.search(r"- run: (pip install .*)", steps)
    lint = re.search(r"- run: (jaxlint .*)", steps)
    assert install is not None and lint is not None
    requirement = install.group(1).split(" ", 2)[2].strip('"')
    # A file URL with a host: pip before 23.3 takes `git+file:///...` for a path.
    requirement = requirement.replace(f"{GIT_URL}@REV", f"file://localhost{path}@{commit}")
    environment = tmp_path / "ci-env"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    binaries = environment / ("Scripts" if os.name == "nt" else "bin")
    pip = subprocess.run(
        [str(binaries / "python"), "-m", "pip", "install", "-q", requirement],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    repo = _user_repository(tmp_path / "user-repo")
    (repo / "model.py").write_text(BAD)
    command = lint.group(1).split()
    done = subprocess.run(
        [str(binaries / command[0]), *command[1:]], cwd=repo, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(
        "::error file=model.py,line=6,col=5,endLine=6,endColumn=9,title=JL001 inplace-update::"
    ), done.stdout
