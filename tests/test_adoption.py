"""Reading stdin (issue 10.3) and adopting jaxlint on legacy code (issue 10.5):
``--add-noqa``, baselines, and SARIF ``partialFingerprints``."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint.cli import main

from conftest import ROOT, invoke_cli

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        return x
    """)
FIXED = BAD.replace("x[0] = 1.0", "x = x.at[0].set(1.0)")
#: JL004 (print in traced code) has an unsafe fix only: it stays after a safe --fix.
PRINTS = textwrap.dedent("""\
    import jax


    @jax.jit
    def g(y):
        print(y)
        return y
    """)


def _stdin(args: list[str], source: str, cwd: Path) -> tuple[int, str, str]:
    """A real process, so that stdin and stdout are real streams."""
    done = subprocess.run(
        [sys.executable, "-m", "jaxlint", *args],
        input=source.encode(),
        capture_output=True,
        cwd=cwd,
        check=False,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


# --------------------------------------------------------------------------- stdin


def test_stdin_is_linted_as_dash(tmp_path: Path) -> None:
    code, out, _ = _stdin(["-"], BAD, tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("-:6:5: JL001 [*] In-place update of JAX array `x`")


def test_stdin_filename_names_it_for_config_and_messages(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\nper-file-ignores = {"legacy/*" = ["JL001"]}\n'
    )
    code, out, _ = _stdin(["--stdin-filename", "pkg/model.py", "-"], BAD, tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("pkg/model.py:6:5: JL001")
    assert _stdin(["--stdin-filename", "legacy/old.py", "-"], BAD, tmp_path)[:2] == (
        0,
        "All checks passed!\n",
    )


def test_stdin_fix_prints_the_fixed_source(tmp_path: Path) -> None:
    code, out, err = _stdin(["--fix", "--stdin-filename", "m.py", "-"], BAD, tmp_path)
    assert (code, out) == (0, FIXED)
    assert err == "Found 1 problem (1 fixed, 0 remaining).\n"
    # What cannot be fixed is reported on stderr, and exits 1, as ruff does.
    code, out, err = _stdin(["--fix", "--stdin-filename", "m.py", "-"], PRINTS, tmp_path)
    assert (code, out) == (1, PRINTS)
    assert err.startswith("m.py:6:5: JL004 ")
    assert not list(tmp_path.iterdir())  # nothing written


def test_stdin_excluded_by_force_exclude(tmp_path: Path) -> None:
    """As pre-commit runs it from an editor: an excluded file is not linted, and
    ``--fix`` gives its source back unchanged."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint]\nextend-exclude = ["gen/"]\nforce-exclude = true\n'
    )
    args = ["--stdin-filename", "gen/out.py", "-"]
    assert _stdin(args, BAD, tmp_path)[:2] == (0, "All checks passed!\n")
    assert _stdin(["--fix", *args], BAD, tmp_path)[:2] == (0, BAD)


def test_stdin_notebook(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "notebooks" / "training.ipynb").read_text(encoding="utf-8")
    code, out, _ = _stdin(["--stdin-filename", "nb.ipynb", "-"], source, tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("nb.ipynb:cell 4:3:1: JL001")


def test_dash_with_other_paths_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    result = CliRunner().invoke(main, ["-", str(tmp_path / "a.py")], input=BAD)
    assert result.exit_code == 2
    assert "cannot be mixed" in result.stderr


# --------------------------------------------------------------------------- --add-noqa


def test_add_noqa_silences_every_finding_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(PRINTS.replace("print(y)", "print(y)  # noqa: E501"))
    code, out, err = invoke_cli(["--no-cache", "--add-noqa", "."], cwd=tmp_path)
    assert (code, out, err) == (0, "", "Added 2 noqa directives.\n")
    assert (tmp_path / "a.py").read_text() == BAD.replace("x[0] = 1.0", "x[0] = 1.0  # noqa: JL001")
    assert "print(y)  # noqa: E501, JL004\n" in (tmp_path / "b.py").read_text()
    assert invoke_cli(["--no-cache", "."], cwd=tmp_path)[:2] == (0, "All checks passed!\n")
    before = {p.name: p.read_text() for p in tmp_path.glob("*.py")}
    assert invoke_cli(["--no-cache", "--add-noqa", "."], cwd=tmp_path)[2] == (
        "Added 0 noqa directives.\n"
    )
    assert {p.name: p.read_text() for p in tmp_path.glob("*.py")} == before


STRINGS = textwrap.dedent('''\
    import jax
    import numpy as np


    @jax.jit
    def h(x):
        print("""header
        body""", x)
        pair = (np.sin(x), """first line
        second line""")
        total = np.cos(x) + \\
            1
        return pair, total
    ''')


def test_add_noqa_never_lands_inside_a_multiline_string(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text(STRINGS)
    code, _, err = invoke_cli(["--no-cache", "--add-noqa", "s.py"], cwd=tmp_path)
    assert (code, err) == (0, "Added 3 noqa directives.\n")
    text = path.read_text()
    # The print spans its string: the comment goes on its last line. np.sin's line ends
    # inside a string, np.cos's in a backslash: theirs go where those end.
    assert text.splitlines()[6:12] == [
        '    print("""header',
        '    body""", x)  # noqa: JL004',
        '    pair = (np.sin(x), """first line',
        '    second line""")  # noqa: JL007',
        "    total = np.cos(x) + \\",
        "        1  # noqa: JL007",
    ]

    def strings(source: str) -> list[str]:
        return [
            node.value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]

    assert strings(text) == strings(STRINGS)
    assert invoke_cli(["--no-cache", "s.py"], cwd=tmp_path)[:2] == (0, "All checks passed!\n")


def test_add_noqa_in_a_notebook_edits_only_cell_sources(tmp_path: Path) -> None:
    path = tmp_path / "training.ipynb"
    shutil.copyfile(ROOT / "tests" / "notebooks" / "training.ipynb", path)
    before = path.read_text(encoding="utf-8")
    code, _, err = invoke_cli(["--no-cache", "--add-noqa", "training.ipynb"], cwd=tmp_path)
    assert (code, err) == (0, "Added 2 noqa directives.\n")
    assert path.read_text(encoding="utf-8") == before.replace(
        '"x[0] = 1.0\\n"', '"x[0] = 1.0  # noqa: JL001\\n"'
    ).replace('params)\\n"', 'params)  # noqa: JL004\\n"')
    assert invoke_cli(["--no-cache", "training.ipynb"], cwd=tmp_path)[0] == 0


def test_add_noqa_refuses_fix_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    code, _, err = invoke_cli(["--no-cache", "--add-noqa", "--fix", "a.py"], cwd=tmp_path)
    assert code == 2 and "cannot be combined" in err
    result = CliRunner().invoke(main, ["--add-noqa", "-"], input=BAD)
    assert result.exit_code == 2 and "cannot read from stdin" in result.stderr


# --------------------------------------------------------------------------- baselines


DUPLICATES = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0
        x[0] = 1.0
        return x
    """)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(DUPLICATES)
    (tmp_path / "pkg" / "b.py").write_text(PRINTS)
    return tmp_path


def test_baseline_round_trip(legacy: Path) -> None:
    code, out, err = invoke_cli(
        ["--no-cache", "--write-baseline", "jaxlint-baseline.json", "."], cwd=legacy
    )
    assert (code, out, err) == (0, "", "Wrote 3 findings to the baseline jaxlint-baseline.json.\n")
    document = json.loads((legacy / "jaxlint-baseline.json").read_text())
    assert document["version"] == 1
    assert [(e["path"], e["code"], e["occurrence"], e["line"]) for e in document["findings"]] == [
        ("pkg/a.py", "JL001", 0, 6),
        ("pkg/a.py", "JL001", 1, 7),
        ("pkg/b.py", "JL004", 0, 6),
    ]
    assert len({e["fingerprint"] for e in document["findings"]}) == 2  # a.py's lines match

    args = ["--no-cache", "--baseline", "jaxlint-baseline.json", "."]
    assert invoke_cli(args, cwd=legacy) == (
        0,
        "All checks passed!\n",
        "3 findings in the baseline jaxlint-baseline.json not reported.\n",
    )
    # Lines added above the findings move them; they stay known.
    a = legacy / "pkg" / "a.py"
    a.write_text('"""A legacy module."""\n\n' + DUPLICATES)
    assert invoke_cli(args, cwd=legacy)[:2] == (0, "All checks passed!\n")
    # A third copy of a known line is one new finding; a new line is another.
    a.write_text(DUPLICATES.replace("    return x", "    x[0] = 1.0\n    x[1] = 2.0\n    return x"))
    code, out, _ = invoke_cli(args, cwd=legacy)
    assert code == 1
    assert [line.split(": JL")[0] for line in out.splitlines()[:-1]] == [
        "pkg/a.py:8:5",
        "pkg/a.py:9:5",
    ]
    assert out.splitlines()[-1].startswith("Found 2 problems")


def test_a_missing_or_foreign_baseline_is_a_usage_error(legacy: Path) -> None:
    code, _, err = invoke_cli(["--no-cache", "--baseline", "nope.json", "."], cwd=legacy)
    assert (code, err) == (2, "jaxlint: error: baseline file not found: nope.json\n")
    (legacy / "other.json").write_text("[]")
    code, _, err = invoke_cli(["--no-cache", "--baseline", "other.json", "."], cwd=legacy)
    assert code == 2 and "is not a jaxlint baseline" in err


def test_sarif_partial_fingerprints_follow_the_content(legacy: Path) -> None:
    def fingerprints() -> list[tuple[int, str]]:
        _, out, _ = invoke_cli(["--no-cache", "--format", "sarif", "pkg/a.py"], cwd=legacy)
        return [
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["primaryLocationLineHash"],
            )
            for r in json.loads(out)["runs"][0]["results"]
        ]

    first = fingerprints()
    invoke_cli(["--no-cache", "--write-baseline", "base.json", "pkg/a.py"], cwd=legacy)
    entries = json.loads((legacy / "base.json").read_text())["findings"]
    assert [hash for _, hash in first] == [
        f"{entry['fingerprint']}:{entry['occurrence']}" for entry in entries
    ]
    (legacy / "pkg" / "a.py").write_text("# moved down\n" + DUPLICATES)
    moved = fingerprints()
    assert [line for line, _ in moved] == [line + 1 for line, _ in first]
    assert [hash for _, hash in moved] == [hash for _, hash in first]
