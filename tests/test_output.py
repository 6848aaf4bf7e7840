"""What the reports say (issue 13.8, 13.11, issue 10.6): summary totals and singular
forms, one line per finding, the fix of each JSON finding as text edits that reproduce
``--fix``, and the text formats (concise, full with source snippets, colour)."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.fix.findings import Finding
from jaxlint.model import build_model
from jaxlint.output.choices import ColorChoice, OutputFormat
from jaxlint.rules import RULES_BY_CODE
from jaxlint.run.check import CheckOptions, run_check

from conftest import invoke_cli

MULTI_LINE_FIX = textwrap.dedent("""\
    import jax
    import jax.numpy as jnp


    @jax.jit
    def f(a, b):
        x = jnp.zeros(3)
        x[0] = jnp.concatenate([
            a,
            b,
        ])
        print(a)
        return x
    """)
JL001_MESSAGE = (
    "In-place update of JAX array `x`: JAX arrays are immutable; "
    "use `x = x.at[0].set(jnp.concatenate([a, b,]))`"
)
JL004_MESSAGE = (
    "`print` in traced code (in f, decorated with @jax.jit) runs once, at trace time, "
    "and shows tracers, not values; use `jax.debug.print`"
)


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """What an editor does with a JSON fix: replace each range (1-based line and column,
    end exclusive), the last first."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(where: dict[str, int]) -> int:
        return starts[where["line"] - 1] + where["column"] - 1

    for edit in sorted(edits, key=lambda e: offset(e["location"]), reverse=True):
        start, end = offset(edit["location"]), offset(edit["end_location"])
        text = text[:start] + edit["content"] + text[end:]
    return text


def json_findings(args: list[str], cwd: Path) -> list[dict[str, Any]]:
    code, out, _ = invoke_cli(["--no-cache", "--format", "json", *args], cwd=cwd)
    assert code in (0, 1), out
    found: list[dict[str, Any]] = json.loads(out)
    return found


# -- issue 13.8: summary line and one line per finding --------------------------------


def test_a_multi_line_fix_suggestion_is_one_line_and_the_summary_is_singular(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    code, out, _ = invoke_cli(["--no-cache", "m.py"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        f"m.py:8:5: JL001 [*] {JL001_MESSAGE}",
        f"m.py:12:5: JL004 {JL004_MESSAGE}",
        "Found 2 problems (1 fixable with --fix).",
        "(1 hidden fix can be enabled with --unsafe-fixes.)",
    ]


def test_fix_summary_totals_are_fixed_plus_remaining(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(MULTI_LINE_FIX.replace("    print(a)\n", "    print(a)\n    x[1] = 2.0\n"))
    code, out, _ = invoke_cli(["--no-cache", "--fix", "m.py"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        f"m.py:12:5: JL004 {JL004_MESSAGE}",
        "Found 3 problems (2 fixed, 1 remaining).",
        "(1 hidden fix can be enabled with --unsafe-fixes.)",
    ]
    code, _, err = invoke_cli(["--no-cache", "--diff", "--unsafe-fixes", "m.py"], cwd=tmp_path)
    assert (code, err) == (1, "Would fix 1 problem.\n")


def test_findings_never_carry_a_line_break_in_their_message() -> None:
    finding = Finding("m.py", 1, 1, 1, 2, "JL000", "syntax-error", "bad:\n    x = (\n  ^")
    assert finding.message == "bad: x = (^"
    multi = Finding("m.py", 1, 1, 1, 2, "JL001", "n", "use `f(\n    a,\n    b\n)`")
    assert multi.message == "use `f(a, b)`"


# -- issue 13.11: JSON carries the fix and a documentation reference ----------------


def test_json_fix_edits_reproduce_what_fix_writes(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    found = json_findings(["m.py"], tmp_path)
    assert [(f["code"], f["fixable"], f["doc"]) for f in found] == [
        ("JL001", True, "jaxlint rule JL001"),
        ("JL004", False, "jaxlint rule JL004"),
    ]
    assert found[0]["fix"] == {
        "applicability": "safe",
        "message": "Replace with `x = x.at[0].set(jnp.concatenate([a, b,]))`",
        "edits": [
            {
                "location": {"line": 8, "column": 6},
                "end_location": {"line": 8, "column": 12},
                "content": " = x.at[0].set(",
            },
            {
                "location": {"line": 11, "column": 7},
                "end_location": {"line": 11, "column": 7},
                "content": ")",
            },
        ],
    }
    assert found[1]["fix"]["applicability"] == "unsafe"
    invoke_cli(["--no-cache", "--fix", "--select", "JL001", "m.py"], cwd=tmp_path)
    assert apply_edits(MULTI_LINE_FIX, found[0]["fix"]["edits"]) == (tmp_path / "m.py").read_text()


def test_json_fix_with_an_added_import_reproduces_the_unsafe_fix(tmp_path: Path) -> None:
    source = textwrap.dedent("""\
        # A header comment.
        import jax
        import numpy as np


        @jax.jit
        def f(x):
            return np.sqrt(x) + 1
        """)
    (tmp_path / "m.py").write_text(source)
    (found,) = json_findings(["m.py"], tmp_path)
    assert (found["code"], found["fixable"]) == ("JL007", False)
    assert [(e["location"], e["content"]) for e in found["fix"]["edits"]] == [
        ({"line": 4, "column": 1}, "import jax.numpy as jnp\n"),
        ({"line": 8, "column": 12}, "jnp"),
    ]
    invoke_cli(["--no-cache", "--fix", "--unsafe-fixes", "m.py"], cwd=tmp_path)
    assert apply_edits(source, found["fix"]["edits"]) == (tmp_path / "m.py").read_text()


@pytest.mark.parametrize(
    "source",
    [
        "import jax.numpy as jnp\r\n\r\n\r\ndef f():\r\n    x = jnp.zeros(3)\r\n"
        "    x[0] = 1.0\r\n    return x\r\n",
        "import jax.numpy as jnp\n\nx = jnp.zeros(3)\nx[0] = 1.0",  # no line break at the end
        "import jax.numpy as jnp\n\n\nclass C:\n    def f(self):\n        x = jnp.ones(2)\n"
        "        x[1] += 2.0  # trailing comment\n        return x\n",
    ],
)
def test_fix_edits_apply_to_the_text_as_written(source: str) -> None:
    (found,) = lint_python_source(source, "m.py").findings
    assert found.fix is not None
    fixed = lint_python_source(source, "m.py", fix=True).fixed_source
    assert fixed is not None
    edits = [
        {
            "location": {"line": e.line, "column": e.column},
            "end_location": {"line": e.end_line, "column": e.end_column},
            "content": e.content,
        }
        for e in found.fix.edits
    ]
    assert apply_edits(source, edits) == fixed.decode()


def test_json_fix_is_null_without_a_fix_or_when_unfixable(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    (tmp_path / "pyproject.toml").write_text('[tool.jaxlint]\nunfixable = ["JL001"]\n')
    found = json_findings(["m.py"], tmp_path)
    assert [(f["code"], f["fixable"], f["fix"] is None) for f in found] == [
        ("JL001", False, True),
        ("JL004", False, False),
    ]
    (tmp_path / "g.py").write_text("import jax\n\nn = 0\n\n\n@jax.jit\ndef f(x):\n"
                                   "    global n\n    n += 1\n    return x\n")  # fmt: skip
    assert {(f["code"], f["fix"]) for f in json_findings(["g.py"], tmp_path)} == {("JL002", None)}


def test_cached_findings_keep_their_fix(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    args = ["--format", "json", "m.py"]
    first = invoke_cli(args, cwd=tmp_path)[1]
    assert (tmp_path / ".jaxlint_cache").is_dir()
    assert invoke_cli(args, cwd=tmp_path)[1] == first
    assert json.loads(first)[0]["fix"]["edits"]


# -- issue 10.6: concise and full text, colour ------------------------------------

FULL_OUTPUT = f"""\
m.py:8:5: JL001 [*] {JL001_MESSAGE}
   |
 6 | def f(a, b):
 7 |     x = jnp.zeros(3)
 8 |     x[0] = jnp.concatenate([
   |     ^^^^ JL001
 9 |         a,
10 |         b,
   |
   = help: Replace with `x = x.at[0].set(jnp.concatenate([a, b,]))`

m.py:12:5: JL004 {JL004_MESSAGE}
   |
10 |         b,
11 |     ])
12 |     print(a)
   |     ^^^^^^^^ JL004
13 |     return x
   |
   = help: Use `jax.debug.print`

Found 2 problems (1 fixable with --fix).
(1 hidden fix can be enabled with --unsafe-fixes.)
"""


def test_full_format_shows_the_source_underlined_and_the_fix_title(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    for option in ("--output-format", "--format"):
        code, out, _ = invoke_cli(["--no-cache", option, "full", "m.py"], cwd=tmp_path)
        assert (code, out) == (1, FULL_OUTPUT)
    concise = invoke_cli(["--no-cache", "--output-format", "concise", "m.py"], cwd=tmp_path)
    assert concise == invoke_cli(["--no-cache", "m.py"], cwd=tmp_path)  # not a terminal
    assert concise[1].splitlines()[0] == f"m.py:8:5: JL001 [*] {JL001_MESSAGE}"


def test_full_format_underlines_every_line_of_a_multi_line_range(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import jax\n\n\n@jax.jit\ndef f(x):\n\tif (x >\n\t\t0):\n\t\treturn x\n\treturn -x\n"
    )
    code, out, _ = invoke_cli(["--no-cache", "--output-format", "full", "m.py"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[1:9] == [
        "  |",
        "4 | @jax.jit",
        "5 | def f(x):",
        "6 |     if (x >",
        "  |         ^^^",
        "7 |         0):",
        "  |         ^ JL006",
        "8 |         return x",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def check_into(out: io.StringIO, path: Path, color: ColorChoice = ColorChoice.AUTO) -> str:
    options = CheckOptions(output_format=OutputFormat.TEXT, color=color)
    run_check([str(path)], Settings(root=str(path.parent)), options, out=out, err=io.StringIO())
    return out.getvalue()


def test_text_on_a_terminal_is_full_and_coloured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "m.py"
    target.write_text(MULTI_LINE_FIX)
    shown = check_into(Terminal(), target)
    assert shown.splitlines()[0] == (
        f"\x1b[1m{target}\x1b[0m\x1b[36m:\x1b[0m8\x1b[36m:\x1b[0m5\x1b[36m:\x1b[0m "
        f"\x1b[1;31mJL001\x1b[0m \x1b[36m[*]\x1b[0m {JL001_MESSAGE}"
    )
    assert "\x1b[1;31m^^^^ JL001\x1b[0m" in shown
    plain = check_into(Terminal(), target, ColorChoice.NEVER)  # --no-color
    assert "\x1b[" not in plain
    assert plain.splitlines()[1:3] == ["   |", " 6 | def f(a, b):"]
    monkeypatch.setenv("NO_COLOR", "1")
    assert check_into(Terminal(), target) == plain
    assert "\x1b[" not in check_into(io.StringIO(), target)


def test_force_color_colours_a_pipe_unless_no_color_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "m.py").write_text(MULTI_LINE_FIX)
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = invoke_cli(["--no-cache", "m.py"], cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("\x1b[1mm.py\x1b[0m\x1b[36m:\x1b[0m8")
    assert "   |" not in out  # colour, but still the concise format
    _, plain, _ = invoke_cli(["--no-cache", "--no-color", "m.py"], cwd=tmp_path)
    assert plain.splitlines()[0] == f"m.py:8:5: JL001 [*] {JL001_MESSAGE}"


def test_a_multi_line_fix_title_is_one_line_at_the_source() -> None:
    (diagnostic,) = [
        d
        for d in RULES_BY_CODE["JL001"]().check(build_model(cst.parse_module(MULTI_LINE_FIX)))
        if d.fix is not None
    ]
    assert diagnostic.fix is not None
    assert diagnostic.fix.title == "Replace with `x = x.at[0].set(jnp.concatenate([a, b,]))`"
    assert "\n" not in diagnostic.message


# -- a fix's title is the rule's, printed as is -------------------------------------

NON_ARRAY_INPUT = """\
import jax.numpy as jnp


def total(a, b):
    return jnp.sum([a, b])
"""


def test_a_fix_title_is_printed_as_the_rule_wrote_it(tmp_path: Path) -> None:
    """JL012's fix once showed as "Replace with `wrap it in `jnp.asarray(...)``": outputs
    wrapped every fix's text in "Replace with", whatever the fix does."""
    (tmp_path / "m.py").write_text(NON_ARRAY_INPUT)
    _, full, _ = invoke_cli(["--no-cache", "--output-format", "full", "m.py"], cwd=tmp_path)
    assert [line for line in full.splitlines() if "= help:" in line] == [
        "  = help: Wrap in `jnp.asarray(...)`"
    ]
    (found,) = json_findings(["m.py"], tmp_path)
    assert found["fix"]["message"] == "Wrap in `jnp.asarray(...)`"


def test_full_format_quotes_the_source_read_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jaxlint - --stdin-filename m.py` quotes the text it read, not the file on disk."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text("# the file on disk, not what was linted\n" * 6)
    options = CheckOptions(
        output_format=OutputFormat.FULL, color=ColorChoice.NEVER, stdin_filename="m.py"
    )
    out = io.StringIO()
    stdin = io.BytesIO(NON_ARRAY_INPUT.encode())
    run_check(["-"], Settings(root=str(tmp_path)), options, out=out, stdin=stdin)
    assert out.getvalue().splitlines()[1:6] == [
        "  |",
        "4 | def total(a, b):",
        "5 |     return jnp.sum([a, b])",
        "  |                    ^^^^^^ JL012",
        "  |",
    ]
