"""`unsafe-fixes` and `traced-decorators` are resolved per file too (issue 22, point 1): a
file's nearest configuration decides whether its unsafe fixes are applied and offered,
and which decorators trace the functions it defines, for itself and, through the project
index, for the modules it calls; whichever paths a run is given, in whatever order."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from jaxlint.fix.edits import apply_text_edits
from jaxlint.server.core import ProjectIndexes, lint_document

from conftest import invoke_cli

# ------------------------------------------------------------------ unsafe-fixes

PRINTS = textwrap.dedent("""\
    import jax


    @jax.jit
    def f(x):
        print(x)
        return x
    """)
#: PRINTS with JL004's (unsafe) fix applied
FIXED = PRINTS.replace("print(x)", 'jax.debug.print("{x}", x=x)')


@pytest.fixture
def unsafe_project(tmp_path: Path) -> Path:
    """The root's configuration leaves unsafe fixes off; sub/'s turns them on."""
    project = tmp_path / "unsafe"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.jaxlint]\n")
    (project / "sub" / "pyproject.toml").write_text("[tool.jaxlint]\nunsafe-fixes = true\n")
    (project / "a.py").write_text(PRINTS)
    (project / "sub" / "b.py").write_text(PRINTS)
    return project


#: Both files in either order, the whole project, and each file alone.
RUNS = [["a.py", "sub/b.py"], ["sub/b.py", "a.py"], ["."], ["sub/b.py"], ["a.py"]]
RUN_IDS = ["a-first", "b-first", "dot", "b-alone", "a-alone"]


def _fresh(project: Path, tmp_path: Path) -> Path:
    """A copy of ``project`` (a fix run rewrites files)."""
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy)
    return copy


@pytest.mark.parametrize("paths", RUNS, ids=RUN_IDS)
def test_fix_applies_the_unsafe_fixes_of_files_whose_configuration_allows_them(
    unsafe_project: Path, tmp_path: Path, paths: list[str]
) -> None:
    linted = {"a.py", "sub/b.py"} if paths == ["."] else set(paths)
    work = _fresh(unsafe_project, tmp_path)
    code, out, _ = invoke_cli(["--no-cache", "--fix", "--format", "concise", *paths], work)
    assert (work / "a.py").read_text() == PRINTS
    assert (work / "sub" / "b.py").read_text() == (FIXED if "sub/b.py" in linted else PRINTS)
    left = [line.split(" ", 1)[0] for line in out.splitlines() if ": JL" in line]
    assert (code, left) == ((1, ["a.py:6:5:"]) if "a.py" in linted else (0, []))


@pytest.mark.parametrize("paths", RUNS, ids=RUN_IDS)
def test_diff_json_and_statistics_ask_each_files_configuration(
    unsafe_project: Path, paths: list[str]
) -> None:
    linted = {"a.py", "sub/b.py"} if paths == ["."] else set(paths)
    _, diff, _ = invoke_cli(["--no-cache", "--diff", *paths], unsafe_project)
    changed = [line for line in diff.splitlines() if line.startswith(("---", "+++"))]
    assert changed == (["--- a/sub/b.py", "+++ b/sub/b.py"] if "sub/b.py" in linted else [])
    assert '+    jax.debug.print("{x}", x=x)' in diff or "sub/b.py" not in linted

    _, out, _ = invoke_cli(["--no-cache", "--format", "json", *paths], unsafe_project)
    fixable = {(entry["path"], entry["line"], entry["fixable"]) for entry in json.loads(out)}
    expected = {("a.py", 6, False), ("sub/b.py", 6, True)}
    assert fixable == {entry for entry in expected if entry[0] in linted}

    _, out, _ = invoke_cli(
        ["--no-cache", "--statistics", "--format", "json", *paths], unsafe_project
    )
    [row] = json.loads(out)
    count = len(linted)
    in_b = int("sub/b.py" in linted)
    assert (row["code"], row["count"], row["fixable_count"]) == ("JL004", count, in_b)

    _, out, _ = invoke_cli(["--no-cache", "--format", "concise", *paths], unsafe_project)
    marked = sorted(line.split(" ", 1)[0] for line in out.splitlines() if "JL004 [*]" in line)
    assert marked == (["sub/b.py:6:5:"] if in_b else [])
    hidden = "(1 hidden fix can be enabled with --unsafe-fixes.)"
    assert (hidden in out) is ("a.py" in linted)


def test_the_command_line_choice_overrides_every_files_configuration(
    unsafe_project: Path, tmp_path: Path
) -> None:
    work = _fresh(unsafe_project, tmp_path)
    invoke_cli(["--no-cache", "--fix", "--no-unsafe-fixes", "."], work)
    assert [(work / name).read_text() for name in ("a.py", "sub/b.py")] == [PRINTS, PRINTS]
    invoke_cli(["--no-cache", "--fix", "--unsafe-fixes", "."], work)
    assert [(work / name).read_text() for name in ("a.py", "sub/b.py")] == [FIXED, FIXED]


def test_cached_results_are_fixed_as_each_files_configuration_says(
    unsafe_project: Path,
) -> None:
    # A cached lint of `.` (unsafe fixes not wanted then) must not stop the fix of b.
    assert invoke_cli(["--format", "concise", "."], unsafe_project)[0] == 1
    invoke_cli(["--fix", "sub/b.py", "a.py"], unsafe_project)
    assert (unsafe_project / "sub" / "b.py").read_text() == FIXED
    assert (unsafe_project / "a.py").read_text() == PRINTS


def test_the_servers_fix_all_follows_the_documents_configuration(unsafe_project: Path) -> None:
    indexes = ProjectIndexes()
    fixes = {}
    for name in ("a.py", "sub/b.py"):
        path = unsafe_project / name
        outcome = lint_document(path.as_uri(), str(path), PRINTS, indexes)
        assert outcome.analysis is not None
        fixes[name] = outcome.analysis.fix_all()
    assert fixes["a.py"] is None
    assert fixes["sub/b.py"] is not None
    assert apply_text_edits(PRINTS, fixes["sub/b.py"]) == FIXED


# ------------------------------------------------------------------ traced-decorators

#: A helper with no JAX in sight: its print is a finding only when traced from elsewhere.
HELPERS = "def log(x):\n    print(x)\n    return x\n"
#: A user decorator that traces, when the configuration says so.
MYLIB = "def compiled(function):\n    return function\n"
#: Traces ``step`` (so also ``log``) when ``mylib.compiled`` is a traced decorator here.
STEPS = textwrap.dedent("""\
    from helpers import log
    from mylib import compiled


    @compiled
    def step(x):
        print(x)
        return log(x)
    """)


def _tracing_project(root: Path, steps: str, configured: str) -> Path:
    """a.py at the root and sub/helpers.py, each folder with a configuration of its own;
    ``steps``/b.py tracing helpers' ``log`` through ``mylib.compiled``, which only the
    configuration in ``configured`` lists as a traced decorator."""
    root.mkdir()
    for folder in {".", "sub", steps}:
        (root / folder).mkdir(parents=True, exist_ok=True)
        listed = 'traced-decorators = ["mylib.compiled"]\n' if folder == configured else ""
        (root / folder / "pyproject.toml").write_text(f"[tool.jaxlint]\n{listed}")
    (root / configured / "mylib.py").write_text(MYLIB)  # the entry resolves: no warning
    (root / steps / "mylib.py").write_text(MYLIB)
    (root / "a.py").write_text("import jax\n")
    (root / "sub" / "helpers.py").write_text(HELPERS)
    (root / steps / "b.py").write_text(STEPS)
    return root


def _concise(paths: list[str], cwd: Path, *options: str) -> tuple[int, list[str], str]:
    code, out, err = invoke_cli(["--format", "concise", *options, *paths], cwd)
    return code, [line for line in out.splitlines() if ": JL" in line], err


TRACING_RUNS = [
    ["."],
    ["sub"],
    ["sub/helpers.py"],
    ["a.py", "sub/helpers.py"],
    ["sub/helpers.py", "a.py"],
]
TRACING_IDS = ["dot", "sub", "alone", "a-first", "helpers-first"]


@pytest.mark.parametrize("paths", TRACING_RUNS, ids=TRACING_IDS)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_modules_own_decorators_trace_what_it_calls_in_every_run(
    tmp_path: Path, paths: list[str], jobs: str
) -> None:
    project = _tracing_project(tmp_path / "p", steps="sub", configured="sub")
    code, findings, err = _concise(paths, project, "--no-cache", "-j", jobs)
    from_b = "(in log, called from the traced step in sub/b.py:8)"
    helpers = [line for line in findings if line.startswith("sub/helpers.py")]
    assert [line.split(" ", 2)[:2] for line in helpers] == [["sub/helpers.py:2:5:", "JL004"]]
    assert from_b in helpers[0]
    assert "warning" not in err
    if "sub/helpers.py" not in paths:  # the folder runs lint b.py too: its own print
        assert [line.split(" ", 2)[:2] for line in findings if line.startswith("sub/b")] == [
            ["sub/b.py:7:5:", "JL004"]
        ]
    assert code == 1


@pytest.mark.parametrize("paths", TRACING_RUNS, ids=TRACING_IDS)
def test_another_configurations_decorators_trace_nothing_here(
    tmp_path: Path, paths: list[str]
) -> None:
    # The root lists mylib.compiled; sub/ (b.py's and helpers.py's) does not.
    project = _tracing_project(tmp_path / "p", steps="sub", configured=".")
    assert _concise(paths, project, "--no-cache")[:2] == (0, [])


def test_cached_results_follow_a_change_to_another_modules_decorators(tmp_path: Path) -> None:
    # helpers.py's own configuration (sub/) never changes; b.py's (sub/steps/) does.
    project = _tracing_project(tmp_path / "p", steps="sub/steps", configured="sub/steps")
    steps_config = project / "sub" / "steps" / "pyproject.toml"
    for paths in (["."], ["sub/helpers.py"], ["sub/helpers.py", "a.py"]):
        findings = _concise(paths, project)[1]
        assert [line.split(" ", 1)[0] for line in findings if "helpers" in line] == [
            "sub/helpers.py:2:5:"
        ], paths
    steps_config.write_text("[tool.jaxlint]\n")
    for paths in (["."], ["sub/helpers.py"], ["sub/helpers.py", "a.py"]):
        assert _concise(paths, project)[:2] == (0, []), paths
    steps_config.write_text('[tool.jaxlint]\ntraced-decorators = ["mylib.compiled"]\n')
    assert len(_concise(["sub/helpers.py"], project)[1]) == 1


def test_the_server_indexes_each_module_with_its_own_decorators(tmp_path: Path) -> None:
    project = _tracing_project(tmp_path / "p", steps="sub/steps", configured="sub/steps")
    helpers = project / "sub" / "helpers.py"
    outcome = lint_document(helpers.as_uri(), str(helpers), HELPERS, ProjectIndexes())
    assert outcome.analysis is not None
    served = [(f.line, f.column, f.code) for f in outcome.analysis.findings]
    _, findings, _ = _concise(["sub/helpers.py"], project, "--no-cache")
    assert served == [(2, 5, "JL004")]
    assert [line.split(" ", 2)[:2] for line in findings] == [["sub/helpers.py:2:5:", "JL004"]]


def test_each_configurations_entries_are_checked_for_typos(tmp_path: Path) -> None:
    project = _tracing_project(tmp_path / "p", steps="sub", configured="sub")
    (project / "sub" / "pyproject.toml").write_text(
        '[tool.jaxlint]\ntraced-decorators = ["mylib.compiled", "mylib_typo.compiled"]\n'
    )
    warning = "warning: `traced-decorators` entry `mylib_typo.compiled` resolves to nothing"
    for paths in (["."], ["a.py", "sub/b.py"], ["sub/b.py"]):
        err = _concise(paths, project, "--no-cache")[2]
        assert [line for line in err.splitlines() if "traced-decorators" in line] == [
            f"{warning} in this project (no module or function of that name, and no "
            "importable package): check the spelling"
        ], paths
    assert "traced-decorators" not in _concise(["a.py"], project, "--no-cache")[2]
