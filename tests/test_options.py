"""What a ruff user expects of the options: fix safety, configuration errors, selectors,
unknown commands (issue 13)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import invoke_cli as run

DISCARDED_UPDATE = textwrap.dedent("""
    import jax.numpy as jnp

    def reset(x):
        x.at[0].set(0.0)
        return x
    """)


def test_unused_update_fix_is_unsafe(tmp_path: Path) -> None:
    target = tmp_path / "reset.py"
    target.write_text(DISCARDED_UPDATE)
    code, out, _ = run(["--fix", "--no-cache", str(target)], cwd=tmp_path)
    assert code == 1
    assert target.read_text() == DISCARDED_UPDATE  # --fix alone leaves it
    assert f"{target}:5:5: JL008 The result" in out  # no [*]
    code, out, _ = run(["--fix", "--unsafe-fixes", "--no-cache", str(target)], cwd=tmp_path)
    assert code == 0
    assert "    x = x.at[0].set(0.0)\n" in target.read_text()


def test_invalid_pyproject_on_the_search_path_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL008"]\n')
    project = tmp_path / "project"
    project.mkdir()
    broken = project / "pyproject.toml"
    broken.write_text("[tool.jaxlint\nselect = [\n")
    (project / "reset.py").write_text(DISCARDED_UPDATE)
    code, out, err = run(["--no-cache", "."], cwd=project)
    assert (code, out) == (2, "")
    assert err.startswith(f"jaxlint: error: invalid TOML in {broken}: ")
    assert len(err.splitlines()) == 1


TWO_FINDINGS = textwrap.dedent("""
    import jax.numpy as jnp

    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        x.at[1].set(2.0)
        return x
    """)


def _codes_found(out: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in out.splitlines() if ": JL" in line]


@pytest.fixture
def two_findings(tmp_path: Path) -> Path:
    (tmp_path / "f.py").write_text(TWO_FINDINGS)
    return tmp_path


def test_empty_select_is_a_usage_error(two_findings: Path) -> None:
    code, out, err = run(["--no-cache", "--select", "", "."], cwd=two_findings)
    assert (code, out) == (2, "")
    assert err == (
        "jaxlint: error: --select needs at least one rule code or prefix "
        "(JL001, JL00, JL, or ALL)\n"
    )


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "ALL"], ["JL001", "JL008"]),
        (["--select", "ALL", "--ignore", "JL001"], ["JL008"]),
        (["--ignore", "ALL", "--select", "JL008"], ["JL008"]),  # more specific wins
        (["--select", "JL001", "--extend-select", "JL008"], ["JL001", "JL008"]),
        (["--extend-ignore", "JL008"], ["JL001"]),
    ],
)
def test_all_and_extend_selectors(two_findings: Path, args: list[str], codes: list[str]) -> None:
    code, out, err = run(["--no-cache", *args, "."], cwd=two_findings)
    assert (code, err) == (1, "")
    assert _codes_found(out) == codes


def test_extend_keys_in_the_config_add_to_the_selection(two_findings: Path) -> None:
    (two_findings / "pyproject.toml").write_text(
        '[tool.jaxlint]\nselect = ["JL001"]\nextend-select = ["JL008"]\n'
    )
    code, out, _ = run(["--no-cache", "."], cwd=two_findings)
    assert _codes_found(out) == ["JL001", "JL008"]
    (two_findings / "pyproject.toml").write_text('[tool.jaxlint]\nextend-ignore = ["JL001"]\n')
    code, out, _ = run(["--no-cache", "--extend-ignore", "JL008", "."], cwd=two_findings)
    assert (code, out) == (0, "All checks passed!\n")


def test_unfixable_and_unsafe_fixes_in_the_config(two_findings: Path) -> None:
    (two_findings / "pyproject.toml").write_text(
        '[tool.jaxlint]\nunfixable = ["JL001"]\nunsafe-fixes = true\n'
    )
    code, out, _ = run(["--no-cache", "--fix", "."], cwd=two_findings)
    text = (two_findings / "f.py").read_text()
    assert "    x[0] = 1.0\n" in text  # JL001 is unfixable here
    assert "    x = x.at[1].set(2.0)\n" in text  # unsafe JL008 fix applied, from the config
    assert (code, _codes_found(out)) == (1, ["JL001"])
    assert "JL001 [*]" not in out


def test_no_unsafe_fixes_overrides_the_config(two_findings: Path) -> None:
    (two_findings / "pyproject.toml").write_text(
        '[tool.jaxlint]\nfixable = ["JL008"]\nunsafe-fixes = true\n'
    )
    code, out, _ = run(["--no-cache", "--fix", "--no-unsafe-fixes", "."], cwd=two_findings)
    assert (two_findings / "f.py").read_text() == TWO_FINDINGS  # JL001 not fixable, JL008 unsafe
    assert (code, _codes_found(out)) == (1, ["JL001", "JL008"])


def test_config_error_lists_every_unknown_key_with_a_suggestion(two_findings: Path) -> None:
    config = two_findings / "pyproject.toml"
    config.write_text(
        '[tool.jaxlint]\nselct = ["JL"]\nextnd-ignore = []\nfrobnicate = 1\n'
        "[tool.jaxlint.verify]\nexampels = {}\n"
    )
    code, out, err = run(["--no-cache", "."], cwd=two_findings)
    assert (code, out) == (2, "")
    assert err == (
        "jaxlint: error: unknown options "
        "`extnd-ignore` (did you mean `extend-ignore`?), `frobnicate`, "
        "`selct` (did you mean `select`?), `verify.exampels` (did you mean `verify.examples`?) "
        f"in {config} [tool.jaxlint]\n"
    )


def test_traced_decorator_that_resolves_to_nothing_is_warned_once(two_findings: Path) -> None:
    package = two_findings / "src" / "mylib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "wrappers.py").write_text("def compiled_step(fn):\n    return fn\n")
    (two_findings / "g.py").write_text("x = 1\n")
    (two_findings / "pyproject.toml").write_text(
        "[tool.jaxlint]\ntraced-decorators = ["
        '"mylib.wrappers.compiled_step", "mylib.wrappers.compiled_stpe", "mylb.wrappers.jit",'
        ' "jax.experimental.anything", "mylib.wrappers.compiled_step"]\n'
    )
    code, _, err = run(["--no-cache", "--exit-zero", "."], cwd=two_findings)
    assert code == 0
    assert err.splitlines() == [
        f"warning: `traced-decorators` entry `{name}` resolves to nothing in this project "
        "(no module or function of that name, and no importable package): check the spelling"
        for name in ("mylib.wrappers.compiled_stpe", "mylb.wrappers.jit")
    ]


def test_misspelt_command_is_an_unknown_command(tmp_path: Path) -> None:
    code, out, err = run(["verfy", "src"], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == "jaxlint: error: unknown command 'verfy' (did you mean 'verify'?)\n"


def test_a_path_named_like_a_command_is_still_linted(tmp_path: Path) -> None:
    (tmp_path / "verfy").mkdir()
    (tmp_path / "verfy" / "f.py").write_text(TWO_FINDINGS)
    code, out, _ = run(["--no-cache", "verfy"], cwd=tmp_path)
    assert (code, _codes_found(out)) == (1, ["JL001", "JL008"])
    # A word far from every command stays a missing path.
    code, out, _ = run(["srcx"], cwd=tmp_path)
    assert code == 1
    assert out.startswith("srcx:1:1: JL000 cannot read file: No such file or directory\n")


# ruff's command-line habits (issue 22, point 7), each as ruff defines it.


@pytest.fixture
def two(tmp_path: Path) -> Path:
    (tmp_path / "f.py").write_text(TWO_FINDINGS)
    return tmp_path


def test_fix_only_fixes_and_reports_nothing_else(two: Path) -> None:
    code, out, err = run(["--fix-only", "--no-cache", "f.py"], cwd=two)
    # JL008's fix is unsafe, so it is left, and --fix-only neither reports it nor fails.
    assert (code, out) == (0, "Fixed 1 problem.\n")
    assert "x = x.at[0].set(1.0)" in (two / "f.py").read_text()
    assert run(["--fix-only", "--no-cache", "f.py"], cwd=two)[:2] == (0, "")


def test_exit_non_zero_on_fix(two: Path) -> None:
    code, out, _ = run(["--fix-only", "--exit-non-zero-on-fix", "--no-cache", "f.py"], cwd=two)
    assert (code, out) == (1, "Fixed 1 problem.\n")
    # Nothing more to fix: the remaining unsafe-fix finding does not fail --fix-only.
    assert run(["--fix-only", "--exit-non-zero-on-fix", "--no-cache", "f.py"], cwd=two)[0] == 0
    (two / "g.py").write_text("import jax.numpy as jnp\n\n\ndef g(x):\n    return x\n")
    assert run(["--fix", "--exit-non-zero-on-fix", "--no-cache", "g.py"], cwd=two)[:2] == (
        0,
        "All checks passed!\n",
    )


def test_quiet_prints_findings_only_and_silent_nothing(two: Path) -> None:
    (two / "notes.txt").write_text("")
    code, out, err = run(["-q", "--no-cache", "f.py", "notes.txt"], cwd=two)
    assert code == 1
    assert [line.split(" ")[1] for line in out.splitlines()] == ["JL001", "JL008"]
    assert err == ""  # the warning about notes.txt is not printed either
    for flag in ("-s", "--silent"):
        assert run([flag, "--no-cache", "f.py", "notes.txt"], cwd=two) == (1, "", "")
    assert run(["--quiet", "--no-cache", "--select", "JL002", "f.py"], cwd=two) == (0, "", "")


def test_output_file_takes_the_report(two: Path) -> None:
    args = ["--no-cache", "-o", "out/report.json", "--output-format", "json", "f.py"]
    code, out, _ = run(args, cwd=two)
    assert (code, out) == (1, "")
    report = json.loads((two / "out" / "report.json").read_text())
    assert [entry["code"] for entry in report] == ["JL001", "JL008"]
    code, out, _ = run(["--no-cache", "--output-file", "r.txt", "f.py"], cwd=two)
    assert (code, out) == (1, "")
    assert (two / "r.txt").read_text().splitlines()[-2].startswith("Found 2 problems")


def test_show_files_and_exclude_options(two: Path) -> None:
    for folder in ("gen", "src", "src/gen"):
        (two / folder).mkdir(exist_ok=True)
    for name in ("gen/a.py", "src/b.py", "src/gen/c.py", "src/d.py"):
        (two / name).write_text("x = 1\n")
    code, out, _ = run(["--show-files", "."], cwd=two)
    assert (code, out.splitlines()) == (
        0,
        ["f.py", "gen/a.py", "src/b.py", "src/d.py", "src/gen/c.py"],
    )
    code, out, _ = run(["--show-files", "--exclude", "gen,d.py", "."], cwd=two)
    assert out.splitlines() == ["f.py", "src/b.py"]
    code, out, _ = run(["--show-files", "--extend-exclude", "gen", "--extend-exclude", "f.py"], two)
    assert out.splitlines() == ["src/b.py", "src/d.py"]
    # --exclude replaces the defaults (.venv and the like), --extend-exclude keeps them.
    (two / ".venv").mkdir()
    (two / ".venv" / "e.py").write_text("x = 1\n")
    assert ".venv/e.py" not in run(["--show-files", "--extend-exclude", "gen"], two)[1]
    assert ".venv/e.py" in run(["--show-files", "--exclude", "gen"], two)[1]


def test_show_settings(two: Path) -> None:
    (two / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL008"]\n')
    code, out, _ = run(["--show-settings", "--preview", "f.py"], cwd=two)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Resolved settings for: {two / 'f.py'}"
    assert lines[1] == f"Settings path: {two / 'pyproject.toml'}"
    assert "ignore = ('JL008',)" in lines
    assert "preview = True" in lines
    assert "JL008" not in lines[-1] and lines[-1].startswith("enabled codes = ['JL000', ")


def test_per_file_ignores_on_the_command_line(two: Path) -> None:
    (two / "tests").mkdir()
    (two / "tests" / "t.py").write_text(TWO_FINDINGS)
    base = ["--no-cache", "--output-format", "concise", "."]
    code, out, _ = run(["--per-file-ignores", "tests/*:JL001,tests/*:JL008", *base], cwd=two)
    assert [line.split(":")[0] for line in out.splitlines() if ": JL" in line] == ["f.py", "f.py"]
    (two / "pyproject.toml").write_text('[tool.jaxlint.per-file-ignores]\n"f.py" = ["JL001"]\n')
    # --extend-per-file-ignores adds to the file's table; --per-file-ignores replaces it.
    code, out, _ = run(["--extend-per-file-ignores", "tests/*:JL00", *base], cwd=two)
    assert _codes_found(out) == ["JL008"]
    code, out, _ = run(["--per-file-ignores", "tests/*:JL00", *base], cwd=two)
    assert _codes_found(out) == ["JL001", "JL008"]
    code, _, err = run(["--per-file-ignores", "tests/*", *base], cwd=two)
    assert (code, err) == (
        2,
        "jaxlint: error: --per-file-ignores takes GLOB:CODE pairs, not `tests/*`\n",
    )
    code, _, err = run(["--per-file-ignores", "tests/*:JL99", *base], cwd=two)
    assert (code, err) == (
        2,
        "jaxlint: error: unknown rule selector `JL99` in --per-file-ignores\n",
    )


def test_fixable_and_unfixable(two: Path) -> None:
    code, out, _ = run(["--fix", "--unfixable", "JL001", "--no-cache", "f.py"], cwd=two)
    assert code == 1 and "[*]" not in out
    assert (two / "f.py").read_text() == TWO_FINDINGS
    code, out, _ = run(["--fix", "--fixable", "JL008", "--unsafe-fixes", "--no-cache", "f.py"], two)
    assert "x = x.at[1].set(2.0)" in (two / "f.py").read_text()
    assert "x[0] = 1.0" in (two / "f.py").read_text()  # JL001 not fixable
    (two / "f.py").write_text(TWO_FINDINGS)
    (two / "pyproject.toml").write_text('[tool.jaxlint]\nunfixable = ["JL001"]\n')
    assert run(["--fix", "--no-cache", "f.py"], cwd=two)[0] == 1
    assert (two / "f.py").read_text() == TWO_FINDINGS


def test_file_level_noqa_and_ignore_noqa(two: Path) -> None:
    body = TWO_FINDINGS.replace("    x[0] = 1.0\n", "    x[0] = 1.0  # noqa: JL001\n")
    (two / "f.py").write_text(body)
    assert _codes_found(run(["--no-cache", "f.py"], cwd=two)[1]) == ["JL008"]
    assert _codes_found(run(["--no-cache", "--ignore-noqa", "f.py"], two)[1]) == ["JL001", "JL008"]
    for comment, left in (
        ("# jaxlint: noqa", []),
        ("# jaxlint: noqa: JL001", ["JL008"]),
        ("# JAXLINT:NOQA: JL008, JL001", []),
        ("# flake8: noqa: JL008", ["JL001"]),
        ("# flake8: noqa", []),
        ("# noqa", ["JL001", "JL008"]),  # a line's noqa, on a line without findings
    ):
        (two / "f.py").write_text(comment + "\n" + TWO_FINDINGS)
        code, out, _ = run(["--no-cache", "f.py"], cwd=two)
        assert (code, _codes_found(out)) == (1 if left else 0, left), comment
        ignored = run(["--no-cache", "--ignore-noqa", "f.py"], cwd=two)[1]
        assert _codes_found(ignored) == ["JL001", "JL008"], comment
    # In a string, the words are no comment.
    (two / "f.py").write_text('DOC = "# jaxlint: noqa"\n' + TWO_FINDINGS)
    assert _codes_found(run(["--no-cache", "f.py"], cwd=two)[1]) == ["JL001", "JL008"]


def test_cache_dir_option_environment_and_setting(
    two: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (two / ".git").mkdir()  # a project root: the default cache is .jaxlint_cache/ there
    assert run(["--cache-dir", "c1", "f.py"], cwd=two)[0] == 1
    assert (two / "c1").is_dir() and any((two / "c1").iterdir())
    assert not (two / ".jaxlint_cache").exists()
    monkeypatch.setenv("JAXLINT_CACHE_DIR", str(two / "c2"))
    run(["f.py"], cwd=two)
    assert any((two / "c2").iterdir())
    monkeypatch.delenv("JAXLINT_CACHE_DIR")
    (two / "sub").mkdir()
    (two / "sub" / "pyproject.toml").write_text('[tool.jaxlint]\ncache-dir = "../c3"\n')
    (two / "sub" / "g.py").write_text(TWO_FINDINGS)
    run(["sub/g.py"], cwd=two)
    assert any((two / "c3").iterdir())  # relative to the configuration file
    assert not (two / ".jaxlint_cache").exists()


def test_config_key_value_overrides_the_file(two: Path) -> None:
    (two / "pyproject.toml").write_text('[tool.jaxlint]\nignore = ["JL008"]\n')
    assert _codes_found(run(["--no-cache", "f.py"], cwd=two)[1]) == ["JL001"]
    code, out, _ = run(["--no-cache", "--config", "ignore = []", "f.py"], cwd=two)
    assert _codes_found(out) == ["JL001", "JL008"]
    args = ["--no-cache", "--config", "select = ['JL008']", "--config", "ignore = []", "f.py"]
    assert _codes_found(run(args, cwd=two)[1]) == ["JL008"]
    # A file still works, alongside an inline override.
    (two / "other.toml").write_text('select = ["JL001"]\n')
    code, out, _ = run(["--no-cache", "--config", "other.toml", "f.py"], cwd=two)
    assert _codes_found(out) == ["JL001"]
    args = ["--no-cache", "--config", "other.toml", "--config", 'extend-select = ["JL008"]']
    assert _codes_found(run([*args, "f.py"], cwd=two)[1]) == ["JL001", "JL008"]
    code, _, err = run(["--no-cache", "--config", "selekt = ['JL008']", "f.py"], cwd=two)
    assert code == 2
    assert err == "jaxlint: error: unknown option `selekt` (did you mean `select`?) in --config\n"
    code, _, err = run(["--no-cache", "--config", "select = [", "f.py"], cwd=two)
    assert code == 2 and "is neither a file nor a TOML `KEY = VALUE`" in err


def test_preview_rules_are_off_until_preview_is_on(
    two: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jaxlint import config

    monkeypatch.setattr(config, "preview_codes", lambda: frozenset({"JL008"}))
    assert _codes_found(run(["--no-cache", "f.py"], cwd=two)[1]) == ["JL001"]
    # Not even an exact selector turns it on: preview must be.
    assert _codes_found(run(["--no-cache", "--select", "JL008", "f.py"], two)[1]) == []
    assert _codes_found(run(["--no-cache", "--preview", "f.py"], two)[1]) == ["JL001", "JL008"]
    (two / "pyproject.toml").write_text("[tool.jaxlint]\npreview = true\n")
    assert _codes_found(run(["--no-cache", "f.py"], cwd=two)[1]) == ["JL001", "JL008"]
    assert _codes_found(run(["--no-cache", "--no-preview", "f.py"], two)[1]) == ["JL001"]


def test_statistics_json_has_ruffs_shape(two: Path) -> None:
    code, out, _ = run(["--no-cache", "--statistics", "--output-format", "json", "f.py"], two)
    assert code == 1
    assert json.loads(out) == [
        {
            "code": "JL001",
            "name": "inplace-update",
            "count": 1,
            "fixable": True,
            "fixable_count": 1,
        },
        {
            "code": "JL008",
            "name": "unused-update",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
        },
    ]
    args = ["--no-cache", "--statistics", "--output-format", "json", "--unsafe-fixes", "f.py"]
    assert json.loads(run(args, two)[1])[1]["fixable"] is True


UNROLLED = textwrap.dedent("""
    import jax

    @jax.jit
    def simulate(x):
        for _ in range(300):
            x = x * 0.5
        return x
    """)


@pytest.mark.parametrize(
    ("config", "args", "found"),
    [
        ("", [], ["JL018"]),
        ("[tool.jaxlint]\nmax-unrolled-iterations = 300\n", [], []),
        ("[tool.jaxlint.lint]\nmax-unrolled-iterations = 299\n", [], ["JL018"]),
        (
            "[tool.jaxlint]\nmax-unrolled-iterations = 50\n",
            ["--config", "max-unrolled-iterations = 500"],
            [],
        ),
    ],
)
def test_max_unrolled_iterations_sets_the_loop_count_jl018_allows(
    tmp_path: Path, config: str, args: list[str], found: list[str]
) -> None:
    (tmp_path / "f.py").write_text(UNROLLED)
    (tmp_path / "pyproject.toml").write_text(config or "[tool.jaxlint]\n")
    code, out, _ = run(["--select", "JL018", *args, "."], cwd=tmp_path)
    assert (code, _codes_found(out)) == (1 if found else 0, found)


@pytest.mark.parametrize("value", ["0", "-3", "true", '"100"', "1.5"])
def test_max_unrolled_iterations_must_be_a_positive_integer(tmp_path: Path, value: str) -> None:
    (tmp_path / "f.py").write_text(UNROLLED)
    config = tmp_path / "pyproject.toml"
    config.write_text(f"[tool.jaxlint]\nmax-unrolled-iterations = {value}\n")
    code, out, err = run(["--no-cache", "."], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        f"jaxlint: error: `max-unrolled-iterations` in {config} must be a positive integer\n"
    )
