"""The command line as users drive it: exit codes, formats, config, suppression, fixes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint import __version__
from jaxlint.cli import main

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        return x
    """)
CLEAN = "import jax.numpy as jnp\n\n\ndef f():\n    return jnp.zeros(3).at[0].set(1.0)\n"


def run(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    return tmp_path


def test_findings_exit_1_and_text_format(project: Path) -> None:
    code, out, _ = run(["pkg"], cwd=project)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"pkg{os.sep}bad.py:6:5: JL001 [*] In-place update of JAX array `x`")
    assert lines[-1] == "Found 1 problem (1 fixable with --fix)."


def test_clean_exit_0(project: Path) -> None:
    code, out, _ = run(["check", "pkg/clean.py"], cwd=project)
    assert (code, out) == (0, "All checks passed!\n")


def test_missing_path_is_reported_and_the_rest_linted(project: Path) -> None:
    # ruff: the missing path is a finding (its E902, our JL000), the rest is linted, exit 1.
    code, out, err = run(["--output-format", "concise", "nope.py", "pkg"], cwd=project)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "nope.py:1:1: JL000 cannot read file: No such file or directory"
    assert lines[1].startswith(f"pkg{os.sep}bad.py:6:5: JL001")
    assert lines[2] == "Found 2 problems (1 fixable with --fix)."
    assert "Traceback" not in out + err
    # Alone, too: a finding and exit 1, not a usage error.
    assert run(["nope.py"], cwd=project)[0] == 1
    # With JL000 off, a warning still says so; nothing else is wrong: exit 0.
    code, out, err = run(["--select", "JL001", "nope.py", "pkg/clean.py"], cwd=project)
    assert (code, out) == (0, "All checks passed!\n")
    assert "warning: nope.py: no such file or directory" in err


def test_exit_zero(project: Path) -> None:
    assert run(["--exit-zero", "pkg"], cwd=project)[0] == 0


def test_select_and_ignore(project: Path) -> None:
    assert run(["--select", "JL002", "pkg"], cwd=project)[0] == 0
    assert run(["--ignore", "JL00", "pkg"], cwd=project)[0] == 0
    assert run(["--select", "JL", "--ignore", "JL002", "pkg"], cwd=project)[0] == 1
    code, _, err = run(["--select", "XYZ1", "pkg"], cwd=project)
    assert code == 2 and "unknown rule selector `XYZ1`" in err


def test_json_format_shape(project: Path) -> None:
    code, out, _ = run(["--format", "json", "pkg"], cwd=project)
    assert code == 1
    assert json.loads(out) == [
        {
            "path": os.path.join("pkg", "bad.py"),
            "line": 6,
            "column": 5,
            "end_line": 6,
            "end_column": 9,
            "code": "JL001",
            "name": "inplace-update",
            "message": "In-place update of JAX array `x`: JAX arrays are immutable; "
            "use `x = x.at[0].set(1.0)`",
            "fixable": True,
            "fix": {
                "applicability": "safe",
                "message": "Replace with `x = x.at[0].set(1.0)`",
                "edits": [
                    {
                        "location": {"line": 6, "column": 6},
                        "end_location": {"line": 6, "column": 15},
                        "content": " = x.at[0].set(1.0)",
                    }
                ],
            },
            "doc": "jaxlint rule JL001",
        }
    ]


def test_github_format(project: Path) -> None:
    _, out, _ = run(["--format", "github", "pkg"], cwd=project)
    path = os.path.join("pkg", "bad.py")
    assert out.startswith(
        f"::error file={path},line=6,col=5,endLine=6,endColumn=9,title=JL001 inplace-update::"
    )


def test_sarif_format(project: Path) -> None:
    _, out, _ = run(["--format", "sarif", "pkg"], cwd=project)
    document = json.loads(out)
    assert document["version"] == "2.1.0"
    (only_run,) = document["runs"]
    driver = only_run["tool"]["driver"]
    assert driver["name"] == "jaxlint"
    assert "JL001" in [rule["id"] for rule in driver["rules"]]
    (result,) = only_run["results"]
    assert result["ruleId"] == "JL001"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 5)


def test_statistics(project: Path) -> None:
    code, out, _ = run(["--statistics", "pkg"], cwd=project)
    assert code == 1
    assert out == "    1\tJL001\t[*] inplace-update\n"


def test_diff_writes_nothing(project: Path) -> None:
    code, out, err = run(["--diff", "pkg"], cwd=project)
    assert code == 1
    assert "-    x[0] = 1.0\n+    x = x.at[0].set(1.0)\n" in out
    assert (project / "pkg" / "bad.py").read_text() == BAD
    assert "Would fix 1 problem." in err


def test_fix_writes_and_second_fix_is_noop(project: Path) -> None:
    code, out, _ = run(["--fix", "pkg"], cwd=project)
    assert code == 0
    assert "1 fixed, 0 remaining" in out
    fixed = (project / "pkg" / "bad.py").read_text()
    assert "    x = x.at[0].set(1.0)\n" in fixed
    assert run(["--fix", "pkg"], cwd=project)[:2] == (0, "All checks passed!\n")
    assert (project / "pkg" / "bad.py").read_text() == fixed


def test_fix_exit_1_when_findings_remain(tmp_path: Path) -> None:
    (tmp_path / "g.py").write_text(
        "import jax.numpy as jnp\nX = jnp.ones(2)\n\n\ndef f():\n    X[0] = 1.0\n"
    )
    code, out, _ = run(["--fix", "g.py"], cwd=tmp_path)
    assert code == 1
    assert "no automatic fix" in out


def test_noqa_and_skip_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD.replace("x[0] = 1.0", "x[0] = 1.0  # noqa: JL001"))
    (tmp_path / "b.py").write_text(BAD.replace("x[0] = 1.0", "x[0] = 1.0  # noqa"))
    (tmp_path / "c.py").write_text(BAD.replace("x[0] = 1.0", "x[0] = 1.0  # noqa: JL002"))
    (tmp_path / "d.py").write_text("# jaxlint: skip-file\n" + BAD)
    code, out, _ = run(["."], cwd=tmp_path)
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == ["c.py"]


def test_syntax_error_is_a_finding_and_others_still_checked(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "bad.py").write_text(BAD)
    code, out, _ = run(["--format", "json", "."], cwd=tmp_path)
    assert code == 1
    findings = json.loads(out)
    assert [(f["path"], f["code"]) for f in findings] == [
        ("bad.py", "JL001"),
        ("broken.py", "JL000"),
    ]
    assert findings[1]["line"] == 1


def test_valid_modern_syntax_parses(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(
        'b = {"c": 2}\nd = {"a": 1, **b}\n\n\ndef f(*, a=1, b):\n    return a, b\n'
    )
    assert run(["ok.py"], cwd=tmp_path)[:2] == (0, "All checks passed!\n")


def test_config_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\nignore = ["JL001"]\nper-file-ignores = { "legacy/*" = ["JL008"] }\n'
    )
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text("def f(x):\n    x.at[0].set(1)\n")
    (tmp_path / "new.py").write_text(BAD + "\n\ndef g(x):\n    x.at[0].set(1)\n")
    code, out, _ = run(["."], cwd=tmp_path)
    assert code == 1
    findings = [line for line in out.splitlines() if line.startswith(("new.py", "legacy"))]
    assert [line.split(": ")[1].split()[0] for line in findings] == ["JL008"]
    assert out.startswith("new.py:11:5: JL008")
    # The command line wins over the file.
    code, out, _ = run(["--ignore", "JL008", "."], cwd=tmp_path)
    assert code == 1 and "JL001" in out


def test_jaxlint_toml_and_explicit_config(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "jaxlint.toml").write_text('select = ["JL002"]\n')
    assert run(["bad.py"], cwd=tmp_path)[0] == 0
    (tmp_path / "other.toml").write_text('[tool.jaxlint]\nselect = ["JL001"]\n')
    assert run(["--config", "other.toml", "bad.py"], cwd=tmp_path)[0] == 1


def test_bad_config_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.jaxlint]\nselekt = ['JL001']\n")
    (tmp_path / "a.py").write_text(CLEAN)
    code, _, err = run(["a.py"], cwd=tmp_path)
    assert code == 2 and "unknown option `selekt`" in err


def test_exclude_and_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*_pb2.py\n")
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nextend-exclude = ["vendor"]\n')
    for folder in ("generated", "vendor", "src"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(BAD)
    (tmp_path / "src" / "api_pb2.py").write_text(BAD)
    code, out, _ = run(["."], cwd=tmp_path)
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == [os.path.join("src", "m.py")]


def test_traced_decorators_from_config(tmp_path: Path) -> None:
    # `x.sum()`: x is one array (a traced argument could be a list of tracers)
    source = "import mylib\n\n\n@mylib.compiled\ndef step(x):\n    x[0] = 1.0\n    return x.sum()\n"
    (tmp_path / "m.py").write_text(source)
    assert run(["m.py"], cwd=tmp_path)[0] == 0
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\ntraced-decorators = ["mylib.compiled"]\n'
    )
    code, out, _ = run(["m.py"], cwd=tmp_path)
    assert code == 1 and "m.py:6:5: JL001" in out


def test_rules_and_rule_docs() -> None:
    code, out, _ = run(["rules"])
    assert code == 0
    assert out.splitlines()[1].split()[:3] == ["JL001", "inplace-update", "sometimes"]
    code, out, _ = run(["rule", "JL001"])
    assert code == 0
    for section in (
        "# inplace-update (JL001)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead:",
        "## Fix safety",
        "duplicate",
    ):
        assert section in out
    assert run(["rule", "JL999"])[0] == 2


def test_version_and_python_m(tmp_path: Path) -> None:
    assert run(["--version"])[1].strip() == f"jaxlint, version {__version__}"
    (tmp_path / "bad.py").write_text(BAD)
    done = subprocess.run(
        [sys.executable, "-m", "jaxlint", "bad.py"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1 and "JL001" in done.stdout


def test_findings_sorted_by_path_line_column(tmp_path: Path) -> None:
    for name in ("b.py", "a.py"):
        (tmp_path / name).write_text(BAD + "\n\ndef g(y):\n    y.at[0].set(1)\n")
    _, out, _ = run(["--format", "json", "b.py", "a.py"], cwd=tmp_path)
    keys = [(f["path"], f["line"], f["column"]) for f in json.loads(out)]
    assert keys == sorted(keys) and len(keys) == 4


def test_the_command_line_starts_without_the_linter() -> None:
    # `jaxlint --version`, `--help` and bad options answer at once: the linter (libcst,
    # the engine, the rules) is imported only by the commands that lint.
    probe = (
        "import sys, jaxlint.cli; "
        "print([m for m in ('libcst', 'jaxlint.driver.engine', 'jaxlint.rules') "
        "if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
    version = subprocess.run(
        [sys.executable, "-m", "jaxlint", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("jaxlint, version ")


def _modules_loaded_by(args: list[str]) -> tuple[str, set[str]]:
    """Run ``jaxlint ARGS`` in a fresh interpreter: its stdout and the modules it loaded."""
    probe = (
        "import sys\n"
        "from jaxlint.__main__ import run\n"
        f"sys.argv = ['jaxlint', *{args!r}]\n"
        "try:\n    run()\n"
        "finally:\n    sys.stderr.write(repr(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return done.stdout, set(eval(done.stderr.splitlines()[-1]))  # noqa: S307 - our own repr


@pytest.mark.parametrize(
    "args", [["rules"], ["rule", "JL004"], ["version"], ["--version"], ["rule", "--all"]]
)
def test_describing_commands_load_neither_libcst_nor_the_engine(args: list[str]) -> None:
    out, loaded = _modules_loaded_by(args)
    assert out  # it did answer
    assert not {"libcst", "jaxlint.driver.engine", "jaxlint.rules.registry"} & loaded


def test_a_check_of_one_file_loads_no_process_pool_and_no_writer(tmp_path: Path) -> None:
    # Start-up is most of a one-file check (pre-commit, an editor's save hook): the
    # process pool, --add-noqa's writer and the rest of a project's impact load only
    # when a run uses them.
    (tmp_path / "bad.py").write_text(BAD)
    out, loaded = _modules_loaded_by(["check", "--no-cache", str(tmp_path / "bad.py")])
    assert "JL001" in out
    unused = {
        "multiprocessing",
        "concurrent.futures",
        "jaxlint.run.add_noqa",
        "jaxlint.run.impact",
    }
    assert not unused & loaded, unused & loaded


def test_the_rule_catalog_is_the_rules_own_documentation() -> None:
    # The describing commands read a generated copy; it must say what the rules say.
    from jaxlint.rules import ALL_RULES

    code, out, _ = run(["rule", "JL004"])
    assert (code, out) == (0, ALL_RULES[4].documentation())
    code, out, _ = run(["rule", "--all"])
    assert out == "\n".join(rule.documentation() for rule in ALL_RULES)
    code, out, _ = run(["rules", "--output-format", "json"])
    listed = json.loads(out)
    assert [entry["code"] for entry in listed] == [rule.code for rule in ALL_RULES]
    assert listed[1] == {
        "code": "JL001",
        "name": "inplace-update",
        "summary": ALL_RULES[1].summary,
        "fix": "sometimes",
        "default_enabled": True,
        "preview": False,
    }
    code, out, _ = run(["rule", "jl009", "--output-format", "json"])
    assert json.loads(out)["default_enabled"] is False
    assert run(["rule"])[0] == 2
    assert run(["rule", "JL001", "--all"])[0] == 2


def test_version_command() -> None:
    assert run(["version"]) == (0, f"jaxlint {__version__}\n", "")
    code, out, _ = run(["version", "--output-format", "json"])
    assert json.loads(out) == {"version": __version__}


def test_paths_print_as_given_and_messages_name_files_from_here(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helpers.py").write_text("def helper(x):\n    print(x)\n    return x\n")
    (tmp_path / "src" / "train.py").write_text(
        "import jax\n\nfrom helpers import helper\n\n\n@jax.jit\ndef step(x):\n"
        "    return helper(x)\n"
    )
    relative = run(["--output-format", "concise", "src"], cwd=tmp_path)[1].splitlines()[0]
    assert relative.startswith("src/helpers.py:2:5: JL004 ")
    assert "called from the jitted step in src/train.py:8)" in relative
    absolute = run(["--output-format", "concise", str(tmp_path / "src")], cwd=tmp_path)[1]
    assert absolute.startswith(f"{tmp_path}/src/helpers.py:2:5: JL004 ")
    # From inside src/, the cached result is not reused: its message names other paths.
    inside = run(["--output-format", "concise", "."], cwd=tmp_path / "src")[1]
    assert inside.startswith("helpers.py:2:5: JL004 ")
    assert "called from the jitted step in train.py:8)" in inside


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_an_unreadable_file_is_the_same_finding_named_or_found(tmp_path: Path) -> None:
    # /proc/self/mem cannot be read from its start, even by root: a real read error.
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "broken.py").symlink_to("/proc/self/mem")
    (tmp_path / "src" / "ok.py").write_text(CLEAN)
    expected = "src/broken.py:1:1: JL000 cannot read file: Input/output error"
    for args in (["src/broken.py", "src/ok.py"], ["src"]):
        code, out, err = run(["--no-cache", "--output-format", "concise", *args], cwd=tmp_path)
        assert (code, out.splitlines()[0]) == (1, expected), err


def test_a_run_served_from_the_cache_loads_neither_libcst_nor_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()  # the project root, where the cache lives
    (tmp_path / "train.py").write_text("import jax\n\n@jax.jit\ndef f(x):\n    print(x)\n")
    (tmp_path / "util.py").write_text("def helper(x):\n    return x\n")
    monkeypatch.chdir(tmp_path)
    cold, loaded_cold = _modules_loaded_by(["check", "."])
    warm, loaded_warm = _modules_loaded_by(["check", "."])
    assert "JL004" in cold and warm == cold
    heavy = {"libcst", "jaxlint.driver.engine", "jaxlint.rules.registry", "jaxlint.project.index"}
    assert heavy <= loaded_cold
    assert not heavy & loaded_warm


def test_fix_leaves_an_array_known_only_by_its_annotation_to_unsafe_fixes(
    tmp_path: Path,
) -> None:
    """`x: jax.Array` is not checked at run time (a NumPy array or a Pallas ref annotated
    so takes `x[i] = v` as written): the finding stands, its fix needs --unsafe-fixes."""
    source = "import jax\n\n\ndef clear(x: jax.Array, i):\n    x[i] = 0.0\n    return x\n"
    target = tmp_path / "clear.py"
    target.write_text(source)
    code, out, _ = run(["--fix", "clear.py"], cwd=tmp_path)
    assert code == 1
    assert target.read_text() == source
    assert out.splitlines() == [
        "clear.py:5:5: JL001 In-place update of JAX array `x`: JAX arrays are immutable; "
        "use `x = x.at[i].set(0.0)`",
        "Found 1 problem.",
        "(1 hidden fix can be enabled with --unsafe-fixes.)",
    ], out
    code, out, _ = run(["--fix", "--unsafe-fixes", "clear.py"], cwd=tmp_path)
    assert code == 0, out
    assert target.read_text() == source.replace("x[i] = 0.0", "x = x.at[i].set(0.0)")
