"""Which files a run lints (issue 13): explicit files against exclude and .gitignore,
--force-exclude, .git/info/exclude, non-Python files, empty runs, and where the cache goes."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from conftest import invoke_cli as run

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        return x
    """)


def _linted(out: str) -> list[str]:
    return sorted({line.split(":")[0] for line in out.splitlines() if ": JL" in line})


def test_empty_folder_warns_no_python_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run(["--no-cache", "empty"], cwd=tmp_path)
    assert (code, out, err) == (0, "All checks passed!\n", "warning: no Python files found\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nextend-exclude = ["vendor"]\n')
    for folder in ("generated", "vendor", "src"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(BAD)
    return tmp_path


@pytest.mark.parametrize("path", ["vendor/m.py", "generated/m.py"])
def test_explicit_file_is_linted_unless_force_exclude(repo: Path, path: str) -> None:
    code, out, _ = run(["--no-cache", path], cwd=repo)
    assert (code, _linted(out)) == (1, [path])
    code, out, err = run(["--no-cache", "--force-exclude", path], cwd=repo)
    assert (code, out, err) == (0, "All checks passed!\n", "warning: no Python files found\n")


def test_force_exclude_from_the_config(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.jaxlint]\nextend-exclude = ["vendor"]\nforce-exclude = true\n'
    )
    code, out, _ = run(["--no-cache", "vendor/m.py", "src/m.py"], cwd=repo)
    assert (code, _linted(out)) == (1, ["src/m.py"])
    code, out, _ = run(["--no-cache", "--no-force-exclude", "vendor/m.py"], cwd=repo)
    assert (code, _linted(out)) == (1, ["vendor/m.py"])


def test_folders_honour_git_info_exclude(repo: Path) -> None:
    (repo / ".git" / "info" / "exclude").write_text("# local only\nscratch/\n")
    (repo / "scratch").mkdir()
    (repo / "scratch" / "m.py").write_text(BAD)
    code, out, _ = run(["--no-cache", "."], cwd=repo)
    assert (code, _linted(out)) == (1, [os.path.join("src", "m.py")])
    # Named explicitly, it is linted, unless --force-exclude.
    code, out, _ = run(["--no-cache", "scratch"], cwd=repo)
    assert (code, _linted(out)) == (1, [os.path.join("scratch", "m.py")])
    code, out, _ = run(["--no-cache", "--force-exclude", "scratch/m.py", "scratch"], cwd=repo)
    assert (code, out) == (0, "All checks passed!\n")


def test_linked_worktree_uses_the_main_repositorys_info_exclude(tmp_path: Path) -> None:
    git_directory = tmp_path / "main" / ".git"
    (git_directory / "info").mkdir(parents=True)
    (git_directory / "info" / "exclude").write_text("scratch/\n")
    (git_directory / "worktrees" / "wt").mkdir(parents=True)
    (git_directory / "worktrees" / "wt" / "commondir").write_text("../..\n")
    worktree = tmp_path / "wt"
    (worktree / "scratch").mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {git_directory / 'worktrees' / 'wt'}\n")
    (worktree / "scratch" / "m.py").write_text(BAD)
    (worktree / "m.py").write_text(BAD)
    code, out, _ = run(["--no-cache", "."], cwd=worktree)
    assert (code, _linted(out)) == (1, ["m.py"])


def test_explicit_non_python_file_is_skipped_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("# Title\n\nNot Python: x[0] = (\n")
    (tmp_path / "m.py").write_text(BAD)
    code, out, err = run(["--no-cache", "readme.md", "m.py"], cwd=tmp_path)
    assert (code, _linted(out)) == (1, ["m.py"])
    assert "JL000" not in out
    assert err == "warning: readme.md: skipped (not a Python file)\n"


def test_explicit_python_script_without_suffix_is_linted(tmp_path: Path) -> None:
    (tmp_path / "tool").write_text("#!/usr/bin/env python3\n" + BAD)
    code, out, _ = run(["--no-cache", "tool"], cwd=tmp_path)
    assert (code, _linted(out)) == (1, ["tool"])


def test_no_cache_folder_next_to_files_without_a_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "m.py").write_text(BAD)
    user_cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    code, _, _ = run([str(scratch / "m.py")], cwd=tmp_path)
    assert code == 1
    assert not (scratch / ".jaxlint_cache").exists()
    assert list(user_cache.glob("jaxlint/*/results-*.json")) != []
    # With a project root (a repository), the cache sits at the root as before.
    (scratch / ".git").mkdir()
    run([str(scratch / "m.py")], cwd=tmp_path)
    assert (scratch / ".jaxlint_cache").is_dir()


def test_pre_commit_hooks_force_exclude() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entries = [line.split(":", 1)[1].split() for line in text.splitlines() if "entry:" in line]
    assert entries == [
        ["jaxlint", "check", "--force-exclude"],
        ["jaxlint", "check", "--fix", "--force-exclude"],
    ]
