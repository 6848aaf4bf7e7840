"""Deep or long syntax and compile-time errors: CPython's verdict first, libcst never sees
a file that would crash it, and the other files are still checked.

Before the guard, a 50,000-term ``and`` chain, a 10,000-branch ``elif`` chain and 5,000
nested lambdas overflowed libcst's native stack: exit 139, no output, the run lost."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from jaxlint.api import lint_source
from jaxlint.syntax.depth import MAX_DEPTH, deeper_than

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f(i):
        x = jnp.zeros(3)
        x[i] = 1.0
        return x
    """)

DEEP: dict[str, Callable[[int], str]] = {
    "and": lambda n: "x = " + " and ".join(f"a{i}" for i in range(n)) + "\n",
    "elif": lambda n: (
        "if a0:\n    pass\n" + "".join(f"elif a{i}:\n    pass\n" for i in range(1, n))
    ),
    "lambda": lambda n: "f = " + "lambda: " * n + "0\n",
    "import": lambda n: "import a" + ".b" * n + "\n",
    "subscript": lambda n: "x = a" + "[0]" * n + "\n",
}
#: Sizes that crashed the process before.
CRASHED = {"and": 50_000, "elif": 10_000, "lambda": 5_000, "import": 10_000}


def deep_source(kind: str, n: int) -> str:
    # Traced code with a finding first, so the file does reach libcst when it is let in.
    return BAD + "\n" + DEEP[kind](n)


def fresh_python_compiles(path: Path) -> bool:
    """What ``python`` itself says of the file (its default recursion limit)."""
    compiles = "import sys; compile(open(sys.argv[1], 'rb').read(), 'f', 'exec')"
    done = subprocess.run([sys.executable, "-c", compiles, str(path)], capture_output=True)
    return done.returncode == 0


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaxlint", "--no-cache", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


@pytest.mark.parametrize("kind", sorted(CRASHED))
def test_deep_syntax_is_jl000_or_a_skip_and_the_run_goes_on(tmp_path: Path, kind: str) -> None:
    deep = tmp_path / "deep.py"
    deep.write_text(deep_source(kind, CRASHED[kind]))
    (tmp_path / "other.py").write_text(BAD)
    done = run_cli("-j", "1", ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(done.stdout)]
    if fresh_python_compiles(deep):
        # Valid Python, too deep for libcst: skipped with a warning, not a syntax error.
        assert found == [("other.py", 6, "JL001")]
        assert f"deep.py: skipped (nested deeper than {MAX_DEPTH} levels" in done.stderr
    else:
        assert found == [("deep.py", 1, "JL000"), ("other.py", 6, "JL001")]


def test_deep_syntax_through_stdin_and_the_api(tmp_path: Path) -> None:
    source = deep_source("lambda", CRASHED["lambda"])
    done = run_cli("--stdin-filename", "deep.py", "-", cwd=tmp_path, stdin=source)
    assert done.returncode == 1, done.stderr[-2000:]
    assert [f["code"] for f in json.loads(done.stdout)] == ["JL000"]
    # The API in a child process: before the guard, the caller's whole process died.
    script = (
        "import sys; from jaxlint.api import lint_source; "
        "print([f.code for f in lint_source(sys.stdin.read(), 'deep.py')])"
    )
    child = subprocess.run(
        [sys.executable, "-c", script], input=source, capture_output=True, text=True, timeout=300
    )
    assert (child.returncode, child.stdout.strip()) == (0, "['JL000']"), child.stderr[-2000:]


def test_nesting_just_under_the_limit_is_linted() -> None:
    source = deep_source("and", MAX_DEPTH - 10)
    assert [(f.line, f.code) for f in lint_source(source, "chain.py")] == [(6, "JL001")]


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_depth_counts_what_libcst_nests(kind: str) -> None:
    # ``and`` chains and dotted imports are flat in CPython's tree, nested in libcst's.
    under = ast.parse(DEEP[kind](MAX_DEPTH - 10))
    over = ast.parse(DEEP[kind](MAX_DEPTH + 10))
    assert (deeper_than(under), deeper_than(over)) == (False, True)


def test_wide_lines_and_long_files_are_not_deep() -> None:
    wide = "x = [" + ", ".join(["1"] * 5000) + "]\n"
    long = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(3000))
    assert (deeper_than(ast.parse(wide)), deeper_than(ast.parse(long))) == (False, False)


COMPILE_TIME = [
    ("return 1\n", 2, "'return' outside function"),
    ("yield 1\n", 2, "'yield' outside function"),
    ("nonlocal x\n", 2, "nonlocal declaration not allowed at module level"),
    ("def g():\n    break\n", 3, "'break' outside loop"),
    ("def g():\n    continue\n", 3, "'continue' not properly in loop"),
    ("def g(a, a):\n    pass\n", 2, "duplicate argument 'a' in function definition"),
]


@pytest.mark.parametrize(("snippet", "line", "message"), COMPILE_TIME)
def test_compile_time_errors_are_jl000(snippet: str, line: int, message: str) -> None:
    findings = lint_source("import jax\n" + snippet + "\n" + BAD, "m.py")
    assert [(f.line, f.code, f.message) for f in findings] == [
        (line, "JL000", f"SyntaxError: {message}")
    ]


def test_an_unknown_future_feature_is_jl000() -> None:
    findings = lint_source("from __future__ import nonsense\n" + BAD, "m.py")
    assert [(f.line, f.code, f.message) for f in findings] == [
        (1, "JL000", "SyntaxError: future feature nonsense is not defined")
    ]


def test_fix_never_rewrites_a_file_python_refuses_to_compile(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(BAD + "\nreturn 1\n")
    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "jaxlint", "--no-cache", "--fix", "m.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, path.read_bytes()) == (1, before), done.stdout + done.stderr
    assert "m.py:9:1: JL000 SyntaxError: 'return' outside function" in done.stdout
