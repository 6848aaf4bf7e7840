"""What a ruff user expects of the options: fix safety, configuration errors, selectors,
unknown commands (issue 13)."""

from __future__ import annotations

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
    code, _, err = run(["srcx"], cwd=tmp_path)
    assert (code, err) == (2, "jaxlint: error: srcx: no such file or directory\n")
