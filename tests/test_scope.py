"""A run on some files of a project reports what a whole-project run reports for them
(pre-commit agrees with CI): the cross-module index always covers the project root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jaxlint.config import load_settings
from jaxlint.project.configurations import Configurations
from jaxlint.project.root import index_files, index_root, project_root
from jaxlint.run.check import CheckOptions, lint_paths

from conftest import FIXTURES


def _findings(paths: list[str], *, use_cache: bool = False) -> list[tuple]:
    settings = load_settings(None, paths[0])
    run = lint_paths(paths, settings, CheckOptions(use_cache=use_cache))
    assert run.errors == []
    return [
        (os.path.abspath(f.path), f.line, f.column, f.end_line, f.end_column, f.code, f.message)
        for f in run.findings
    ]


@pytest.fixture
def fixtures_project(tmp_path: Path) -> Path:
    """The fixtures in a project of their own (a configuration file marks its root): run in
    the checkout, every one-file run would index all of jaxlint/ and tests/ again."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES, project / "fixtures")
    (project / "pyproject.toml").write_text("[tool.jaxlint]\n")
    return project


def test_every_fixture_alone_reports_what_the_folder_run_reports(fixtures_project: Path) -> None:
    fixtures = fixtures_project / "fixtures"
    assert project_root(load_settings(None, str(fixtures))) == str(fixtures_project)
    whole = _findings([str(fixtures)])
    files = sorted(fixtures.rglob("*.py"))
    assert len(files) >= 12
    for path in files:
        expected = [finding for finding in whole if finding[0] == str(path)]
        alone = _findings([str(path)])
        assert [finding for finding in alone if finding[0] == str(path)] == expected, path
        # What the file causes elsewhere (test_impact.py) is marked as such.
        elsewhere = [finding for finding in alone if finding[0] != str(path)]
        assert all(f"(caused by a change in {path})" in f[6] for f in elsewhere), path
    # The case that used to differ: three findings only another module explains.
    utils = [f for f in whole if f[0] == str(fixtures / "crossmod" / "utils.py")]
    assert [(f[1], f[5]) for f in utils] == [(12, "JL004"), (13, "JL002"), (14, "JL004")]


def test_command_line_on_one_file_sees_the_other_module(fixtures_project: Path) -> None:
    def run(target: str) -> list[dict]:
        done = subprocess.run(
            [sys.executable, "-m", "jaxlint", "--no-cache", "--format", "json", target],
            cwd=fixtures_project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout)

    alone = run("fixtures/crossmod/utils.py")
    whole = [f for f in run("fixtures/") if f["path"] == "fixtures/crossmod/utils.py"]
    assert alone == whole
    assert [(f["line"], f["code"]) for f in alone] == [(12, "JL004"), (13, "JL002"), (14, "JL004")]
    # Named from the current folder, as findings' paths are (issue 22).
    assert (
        "called from the jitted train_step in fixtures/crossmod/train.py:19" in alone[0]["message"]
    )


def _git_project(tmp_path: Path) -> Path:
    """A git work tree (no configuration file) with the package one folder down."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "crossmod", repo / "src" / "crossmod")
    (repo / ".git").mkdir()  # what marks the root; no git binary needed
    return repo


def test_the_git_root_is_the_project_root_without_a_configuration(tmp_path: Path) -> None:
    repo = _git_project(tmp_path)
    utils = repo / "src" / "crossmod" / "utils.py"
    settings = load_settings(None, str(utils))
    assert settings.config_path is None
    assert project_root(settings) == str(repo)
    scope = index_files([str(utils)], settings)
    assert sorted(Path(path).name for path in scope) == ["__init__.py", "train.py", "utils.py"]
    assert [(f[1], f[5]) for f in _findings([str(utils)])] == [
        (12, "JL004"),
        (13, "JL002"),
        (14, "JL004"),
    ]


def test_a_scratch_folder_has_no_project_root(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "crossmod", tmp_path / "crossmod")
    utils = tmp_path / "crossmod" / "utils.py"
    assert project_root(load_settings(None, str(utils))) is None
    assert _findings([str(utils)]) == []


def test_cached_one_file_runs_follow_edits_to_the_other_module(tmp_path: Path) -> None:
    repo = _git_project(tmp_path)
    package = repo / "src" / "crossmod"
    utils = str(package / "utils.py")
    whole = _findings([str(repo)], use_cache=True)
    expected = [f for f in whole if f[0] == utils]
    assert len(expected) == 3
    assert _findings([utils], use_cache=True) == expected  # from the stored fingerprints
    assert os.path.isdir(repo / ".jaxlint_cache")  # the project's cache, at its root
    assert not os.path.exists(package / ".jaxlint_cache")
    train = package / "train.py"
    train.write_text(train.read_text().replace("@jax.jit\n", ""))
    assert _findings([utils], use_cache=True) == []  # nothing traces log_metrics now
    assert _findings([str(repo)], use_cache=True) == [
        f for f in _findings([str(repo)]) if f[0] != utils
    ]


@pytest.mark.parametrize("name", ["utils.py", "train.py"])
def test_excluded_folders_stay_out_of_the_index(tmp_path: Path, name: str) -> None:
    repo = _git_project(tmp_path)
    shutil.copytree(repo / "src", repo / "build" / "src")  # a default exclude
    (repo / ".gitignore").write_text("ignored/\n")
    shutil.copytree(repo / "src", repo / "ignored" / "src")
    target = repo / "src" / "crossmod" / name
    scope = index_files([str(target)], load_settings(None, str(target)))
    assert all("build" not in Path(path).parts for path in scope)
    assert all("ignored" not in Path(path).parts for path in scope)
    assert len(scope) == 3


HELPERS = "def report(x):\n    print(x)\n    return x\n"
TRAIN = "import jax\n\nfrom sub.helpers import report\n\n\n@jax.jit\ndef step(x):\n    return report(x) * 2\n"


def _nested_project(tmp_path: Path, marker: str) -> Path:
    """A project whose `sub/` has a configuration of its own, and whose root module
    jits a helper of `sub/`; its root marked by ``marker``: a configuration or `.git`."""
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    if marker == ".git":
        (project / ".git").mkdir()
    else:
        (project / marker).write_text("[tool.jaxlint]\n")
    (project / "sub" / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (project / "sub" / "__init__.py").write_text("")
    (project / "sub" / "helpers.py").write_text(HELPERS)
    (project / "train.py").write_text(TRAIN)
    (project / "other.py").write_text("X = 1\n")
    return project


def _cli(project: Path, *arguments: str) -> list[tuple]:
    done = subprocess.run(
        [sys.executable, "-m", "jaxlint", "--format", "json", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(project.parent / "user-cache")},
    )
    assert done.returncode in (0, 1), done.stderr
    return [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(done.stdout)]


@pytest.mark.parametrize("marker", ["pyproject.toml", "jaxlint.toml", ".git"])
def test_a_subfolder_with_its_own_configuration_is_indexed_with_its_project(
    tmp_path: Path, marker: str
) -> None:
    """`jaxlint sub/helpers.py` indexes the project `jaxlint .` indexes, not `sub/` alone
    (where its configuration is): train.py's jit makes `report`'s print a finding."""
    project = _nested_project(tmp_path, marker)
    print_under_jit = (
        "sub/helpers.py",
        2,
        "JL004",
        "`print` in traced code (in report, called from the jitted step in train.py:8) "
        "runs once, at trace time, and shows tracers, not values; use `jax.debug.print`",
    )
    for arguments in (["sub/helpers.py"], ["."], ["sub/helpers.py", "other.py"]):
        assert _cli(project, "--no-cache", *arguments) == [print_under_jit], arguments
    # Cached: the file's key holds what train.py makes of it, from either kind of run.
    assert _cli(project, "sub/helpers.py") == [print_under_jit]
    assert _cli(project, ".") == [print_under_jit]
    (project / "train.py").write_text(TRAIN.replace("@jax.jit\n", ""))
    assert _cli(project, "sub/helpers.py") == []
    assert _cli(project, "sub/helpers.py", "other.py") == []
    assert _cli(project, ".") == []


def test_the_index_root_is_the_same_from_any_path_of_the_project(tmp_path: Path) -> None:
    project = _nested_project(tmp_path, "pyproject.toml")
    sub = project / "sub"
    for paths in ([str(sub / "helpers.py")], [str(project)], [str(sub), str(project / "other.py")]):
        assert index_root(Configurations.discovered(paths)) == str(project), paths
    # Without a work tree, the outermost configuration's folder; inside one, its root.
    (project.parent / "jaxlint.toml").write_text("")
    assert index_root(Configurations.discovered([str(sub)])) == str(project.parent)
    (project / ".git").mkdir()
    assert index_root(Configurations.discovered([str(sub)])) == str(project)
    # `--config`: its folder, as before.
    fixed = Configurations.discovered([str(project)], str(sub / "pyproject.toml"))
    assert index_root(fixed) == str(sub)
