"""Each file is linted with its nearest configuration, as ruff resolves it: findings
never depend on which other paths were given, or in what order."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.config import ConfigError, load_settings
from jaxlint.project.configurations import Configurations, Overrides

PRINTS = textwrap.dedent("""\
    import jax


    @jax.jit
    def f(x):
        print(x)
        return x
    """)
MESSAGE = (
    "JL004 `print` in traced code (in f, decorated with @jax.jit) runs once, at trace time, "
    "and shows tracers, not values; use `jax.debug.print`"
)
B_FINDING = f"sub/b.py:6:5: {MESSAGE}"
A_FINDING = f"a.py:6:5: {MESSAGE}"


def run(args: list[str], cwd: Path) -> tuple[int, list[str], str]:
    old = os.getcwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    findings = [line for line in result.stdout.splitlines() if ": JL" in line]
    return result.exit_code, findings, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository whose root configuration ignores JL004 and whose sub/ has a
    configuration of its own that does not: the case of issue 22."""
    if shutil.which("git") is not None:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL004"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.jaxlint]\nselect = ["JL"]\n')
    (tmp_path / "a.py").write_text(PRINTS)
    (tmp_path / "sub" / "b.py").write_text(PRINTS)
    return tmp_path


@pytest.mark.parametrize(
    "paths",
    [["a.py", "sub/b.py"], ["sub/b.py", "a.py"], ["."], []],
    ids=["a-first", "b-first", "dot", "default"],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_each_file_uses_its_nearest_configuration(
    project: Path, paths: list[str], jobs: str
) -> None:
    code, findings, _ = run(
        ["check", "--no-cache", "-j", jobs, "--format", "concise", *paths], project
    )
    assert (code, findings) == (1, [B_FINDING])


def test_cached_results_follow_each_files_configuration(project: Path) -> None:
    for paths in (["."], ["sub/b.py", "a.py"], ["a.py", "sub/b.py"]):
        code, findings, _ = run(["check", "--format", "concise", *paths], project)
        assert (code, findings) == (1, [B_FINDING]), paths
    # The sub-project's configuration changes: its file's cached result does not stay.
    (project / "sub" / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL004"]\n')
    assert run(["check", "--format", "concise", "."], project)[:2] == (0, [])


def test_explicit_config_is_used_for_every_file(project: Path) -> None:
    code, findings, _ = run(["check", "--no-cache", "--config", "sub/pyproject.toml", "."], project)
    assert (code, sorted(findings)) == (1, [A_FINDING, B_FINDING])
    code, findings, _ = run(
        ["check", "--no-cache", "--config", "pyproject.toml", "sub/b.py"], project
    )
    assert (code, findings) == (0, [])


def test_command_line_rule_options_apply_over_each_files_configuration(project: Path) -> None:
    # --extend-ignore adds to each file's ignores; --select replaces each file's select
    # (the root's ignore still stands, as a configuration's ignore does in ruff).
    assert run(["check", "--no-cache", "--extend-ignore", "JL004", "."], project)[:2] == (0, [])
    code, findings, _ = run(["check", "--no-cache", "--select", "JL004", "."], project)
    assert (code, findings) == (1, [B_FINDING])
    code, findings, _ = run(["check", "--no-cache", "--ignore", "JL001", "."], project)
    assert (code, sorted(findings)) == (1, [A_FINDING, B_FINDING])


def test_exclusion_follows_each_folders_configuration(project: Path) -> None:
    (project / "sub" / "pyproject.toml").write_text(
        '[tool.jaxlint]\nextend-exclude = ["generated_*.py"]\n'
    )
    (project / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (project / "generated_top.py").write_text(PRINTS)
    (project / "sub" / "generated_b.py").write_text(PRINTS)
    code, findings, _ = run(["check", "--no-cache", "--format", "concise", "."], project)
    assert (code, [line.split(" ", 1)[0] for line in findings]) == (
        1,
        ["a.py:6:5:", "generated_top.py:6:5:", "sub/b.py:6:5:"],
    )
    # pre-commit names the file: --force-exclude applies its own folder's excludes.
    named = ["check", "--no-cache", "--force-exclude", "sub/generated_b.py", "generated_top.py"]
    code, findings, _ = run(named, project)
    assert (code, [line.split(" ", 1)[0] for line in findings]) == (1, ["generated_top.py:6:5:"])


def test_ruff_lint_table_layout_is_accepted(project: Path) -> None:
    (project / "sub" / "pyproject.toml").write_text(
        '[tool.jaxlint]\nselect = ["JL001"]\n\n[tool.jaxlint.lint]\nselect = ["JL004"]\n'
    )
    (project / "jaxlint.toml").write_text('[lint]\nignore = ["JL004"]\n')
    code, findings, _ = run(["check", "--no-cache", "--format", "concise", "."], project)
    assert (code, findings) == (1, [B_FINDING])
    settings = load_settings(project / "sub" / "pyproject.toml")
    assert settings.select == ("JL004",)  # the `lint` table wins, as in ruff


def test_unknown_option_under_lint_is_an_error_with_a_hint(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.jaxlint.lint]\nselekt = ["JL004"]\n')
    code, findings, err = run(["check", "--no-cache", "a.py"], project)
    assert code == 2
    assert "unknown option `lint.selekt` (did you mean `lint.select`?)" in err
    with pytest.raises(ConfigError, match="`lint` in .* must be a table"):
        (project / "pyproject.toml").write_text("[tool.jaxlint]\nlint = 3\n")
        load_settings(project / "pyproject.toml")


def test_resolution_without_a_file_above_uses_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "configured").mkdir()
    (tmp_path / "configured" / "jaxlint.toml").write_text('ignore = ["JL004"]\n')
    (tmp_path / "plain").mkdir()
    configurations = Configurations.discovered(
        [str(tmp_path / "configured"), str(tmp_path / "plain")], None, Overrides(ignore=["JL001"])
    )
    configured = configurations.for_file(str(tmp_path / "configured" / "x.py"))
    plain = configurations.for_file(str(tmp_path / "plain" / "x.py"))
    assert configured.config_path == str(tmp_path / "configured" / "jaxlint.toml")
    assert (configured.select, configured.ignore) == (("JL",), ("JL001",))
    assert (plain.config_path, plain.ignore, plain.root) == (None, ("JL001",), str(tmp_path))
    # The run's own is the outermost configuration of the given paths, in any order.
    assert configurations.primary is configured
    alone = Configurations.discovered([str(tmp_path / "plain")])
    assert alone.primary is alone.for_file(str(tmp_path / "plain" / "x.py"))


def test_python_api_resolves_each_files_configuration(project: Path) -> None:
    import jaxlint

    a, b = str(project / "a.py"), str(project / "sub" / "b.py")
    for paths in ([a, b], [b, a], [str(project)]):
        found = [(f.path, f.line, f.code) for f in jaxlint.check(paths)]
        assert found == [(b, 6, "JL004")], paths


def test_the_command_line_and_the_api_give_overrides_in_one_form() -> None:
    # cli.py and api.py both build their Overrides with Overrides.given.
    given = Overrides.given(
        select="jl001, JL002",
        extend_ignore=["jl004"],
        exclude=("a,b", "c"),
        per_file_ignores=("tests/*:jl003,tests/*:JL004", "x.py:JL001"),
    )
    assert given == Overrides(
        select=["JL001", "JL002"],
        extend_ignore=["JL004"],
        exclude=["a", "b", "c"],
        per_file_ignores=[("tests/*", ("JL003", "JL004")), ("x.py", ("JL001",))],
        extend_per_file_ignores=[],
    )
    assert Overrides.given(select=["JL001,JL002"]).select == ["JL001", "JL002"]
    with pytest.raises(ConfigError, match="--per-file-ignores takes GLOB:CODE pairs, not `x`"):
        Overrides.given(per_file_ignores=["x"])
