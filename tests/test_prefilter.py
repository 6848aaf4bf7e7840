"""The syntax-tree pre-filter skips libcst only where no enabled rule could report."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from jaxlint.config import Settings, load_settings
from jaxlint.driver import engine
from jaxlint.driver.engine import lint_python_source
from jaxlint.project import prefilter
from jaxlint.project.index import ProjectIndex
from jaxlint.rules import ALL_RULES
from jaxlint.run import parallel
from jaxlint.run.check import CheckOptions, lint_paths

ROOT = Path(__file__).resolve().parent.parent
TRACED_ONLY = ("JL002", "JL004", "JL006", "JL007")
#: What a traced function (or a transformation call) in sight makes possible.
TRACED = {
    "JL002",
    "JL003",
    "JL004",
    "JL006",
    "JL007",
    "JL009",
    "JL010",
    "JL011",
    "JL013",
    "JL014",
    "JL015",
    "JL016",
    "JL017",
}


def tree(code: str) -> ast.Module:
    return ast.parse(textwrap.dedent(code))


def codes(code: str, traced_decorators: tuple[str, ...] = ()) -> set[str]:
    return set(prefilter.reportable_codes(tree(code), traced_decorators))


@pytest.fixture
def libcst_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """The sources the engine hands to libcst in this process."""
    seen: list[bytes] = []
    parse = engine.parse

    def counted(source: bytes):  # type: ignore[no-untyped-def]
        seen.append(source)
        return parse(source)

    monkeypatch.setattr(engine, "parse", counted)
    yield seen


ARRAY_STORE = """\
import jax.numpy as jnp

def f(i):
    x = jnp.zeros(3)
    x[i] = 1.0
    return x
"""
NO_CANDIDATE = """\
import jax
import numpy as np

TABLE = {}

def register(name, value):
    TABLE[name] = value
    return list(map(str, np.arange(3)))
"""


def test_file_with_a_candidate_is_linted(libcst_parses: list[bytes]) -> None:
    result = lint_python_source(ARRAY_STORE, "a.py")
    assert [(f.line, f.code) for f in result.findings] == [(5, "JL001")]
    assert libcst_parses == [ARRAY_STORE.encode()]


def test_file_without_a_candidate_is_skipped(libcst_parses: list[bytes]) -> None:
    assert codes(NO_CANDIDATE) == set()
    result = lint_python_source(NO_CANDIDATE, "b.py")
    assert result.findings == [] and result.errors == [] and result.warnings == []
    assert libcst_parses == []


def test_skipped_file_still_gets_its_syntax_error(libcst_parses: list[bytes]) -> None:
    result = lint_python_source("import jax\n\ndef f(:\n    pass\n", "broken.py")
    assert [(f.line, f.column, f.code) for f in result.findings] == [(3, 7, "JL000")]


def test_function_traced_from_another_module_is_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(
        "import jax\nfrom utils import log_step\n\n@jax.jit\ndef step(x):\n"
        "    log_step(x)\n    return x * 2\n"
    )
    utils = "import jax.numpy as jnp\n\ndef log_step(x):\n    print(x)\n"
    (tmp_path / "utils.py").write_text(utils)
    # Alone, utils.py holds nothing a rule could flag: only train.py says it is traced.
    assert codes(utils) == set()
    run = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), CheckOptions())
    assert [(Path(f.path).name, f.line, f.code) for f in run.findings] == [("utils.py", 4, "JL004")]


def test_selecting_traced_code_rules_skips_more(libcst_parses: list[bytes]) -> None:
    # An array store outside traced code: a JL001 candidate, nothing for the others.
    assert codes(ARRAY_STORE) == {"JL001"}
    only_traced = lint_python_source(ARRAY_STORE, "a.py", Settings(select=TRACED_ONLY))
    assert only_traced.findings == [] and libcst_parses == []
    with_jl001 = lint_python_source(ARRAY_STORE, "a.py", Settings(select=("JL001",)))
    assert [f.code for f in with_jl001.findings] == ["JL001"]
    assert len(libcst_parses) == 1


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # The builtin map is not jax.lax.map; a local map method is not either.
        ("import jax\nys = list(map(f, xs))\nzs = self.map(g, xs)\n", set()),
        ("from jax import lax\nys = lax.map(f, xs)\n", TRACED),
        ("from jax import jit as compile_it\n@compile_it\ndef f(x):\n    return x\n", TRACED),
        ("import jax\nfast = jax.jit\n@fast\ndef f(x):\n    return x\n", TRACED),
        ("from jax._src import api\nstep = api.jit(f)\n", TRACED),
        ("from jax.experimental.pjit import pjit\nstep = pjit(f)\n", TRACED),
        ("import flax.linen as nn\nclass M(nn.Module):\n    pass\n", TRACED),
        ("import jax\n@f.defjvp\ndef f_jvp(p, t):\n    return p, t\n", TRACED),
        ("import jax\n@jax.jit\ndef f(x, i):\n    x[i] = 1\n", TRACED | {"JL001"}),
        # A string key is a dict; the file names no JAX array either way.
        ('import jax.numpy as jnp\nparams = {}\nparams["w"] = jnp.zeros(3)\n', set()),
        ("import jax\nx = jax.device_put(y)\nx[0] = 1\n", {"JL001"}),
        ("import jax\ndef f(x: jax.Array):\n    x[0] = 1\n", {"JL001"}),
        ("import jax\ny = f(x).at[0].get()\nz[0] = y\n", {"JL001"}),
        ("import numpy as np\nx = np.zeros(3)\nx[0] = 1\nimport jax\n", set()),
        ("from jax import random\nkey = random.PRNGKey(0)\n", {"JL005"}),
        ("import random\nimport jax\nrandom.random()\n", set()),
        ("import jax\nx.at[0].set(1)\n", {"JL008"}),
    ],
)
def test_candidates(code: str, expected: set[str]) -> None:
    assert codes(code) == expected


def test_configured_traced_decorator_counts_as_tracing() -> None:
    code = "from mylib import staged\n@staged\ndef f(x):\n    print(x)\n"
    assert codes(code) == set()
    assert codes(code, ("mylib.staged",)) == TRACED


def test_rule_the_prefilter_does_not_know_is_never_skipped() -> None:
    assert not prefilter.could_report(frozenset(), ["JL000", "JL001"])
    assert prefilter.could_report(frozenset({"JL005"}), ["JL005"])
    assert prefilter.could_report(frozenset(), ["JL001", "JL099"])


EXAMPLES = [
    pytest.param(rule.code, example.code, id=f"{rule.code}-invalid-{i}")
    for rule in ALL_RULES
    for i, example in enumerate(rule.invalid)
    if rule.code != "JL000"
] + [
    pytest.param(rule.code, rule.example, id=f"{rule.code}-example")
    for rule in ALL_RULES
    if rule.code != "JL000"
]


@pytest.mark.parametrize(("code", "example"), EXAMPLES)
def test_every_flagged_example_is_a_candidate(code: str, example: str) -> None:
    assert code in codes(example)


def test_fixture_findings_are_the_same_without_the_prefilter(
    monkeypatch: pytest.MonkeyPatch, libcst_parses: list[bytes]
) -> None:
    fixtures = str(ROOT / "fixtures")
    settings = load_settings(None, fixtures)
    with_prefilter = lint_paths([fixtures], settings, CheckOptions())
    skipped = len(with_prefilter.results) - len(libcst_parses)
    monkeypatch.setattr(prefilter, "ENABLED", False)
    without = lint_paths([fixtures], settings, CheckOptions())
    assert with_prefilter.findings == without.findings
    assert with_prefilter.warnings == without.warnings
    assert with_prefilter.findings  # the fixtures do have findings
    assert skipped > 0  # and some files the pre-filter spared libcst


def test_verdicts_of_the_project_index_spare_a_second_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both files name a transformation, so the index reads both with CPython's parser.
    (tmp_path / "a.py").write_text("import jax\nfrom b import g\nstep = jax.jit(g)\n")
    (tmp_path / "b.py").write_text("import jax\n\ndef g(x):\n    return jax.jit\n")
    python_parses: list[bytes] = []
    python_tree = prefilter.python_tree

    def counted(source: bytes) -> ast.Module | None:
        python_parses.append(source)
        return python_tree(source)

    monkeypatch.setattr(prefilter, "python_tree", counted)
    monkeypatch.setattr(prefilter, "_REMEMBERED", {})
    run = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), CheckOptions())
    assert run.findings == [] and len(run.results) == 2
    assert python_parses == []
    assert len(prefilter._REMEMBERED) == 2


def test_index_read_in_workers_is_the_index_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prefilter, "_REMEMBERED", {})
    (tmp_path / "train.py").write_text(
        "import jax\nfrom helpers0 import log\n\n@jax.jit\ndef step(x):\n    log(x)\n"
    )
    for n in range(parallel.MIN_PARALLEL_SUMMARIES):
        (tmp_path / f"helpers{n}.py").write_text(
            f"import jax\n\ndef log(x):\n    print(x)\n\ndef other{n}(x):\n    return x\n\n"
            f"fast{n} = jax.jit(other{n})\n"
        )
    (tmp_path / "plain.py").write_text("def unrelated():\n    return 1\n")
    files = sorted(str(path) for path in tmp_path.glob("*.py"))
    summaries: dict[str, object] = {}
    parallel.summarize_files(files, (), summaries, jobs=2)
    # Every file naming a transformation, and only those, was read by the workers.
    assert len(summaries) == len(files) - 1
    from_workers = ProjectIndex(files, (), summaries)
    here = ProjectIndex(files)
    for path in files:
        assert from_workers.external_traced(path) == here.external_traced(path)
    assert set(here.external_traced(str(tmp_path / "helpers0.py"))) == {"log"}
    for path in files:
        source = Path(path).read_bytes()
        expected = prefilter.reportable_codes(ast.parse(source))
        read_by_workers = not path.endswith("plain.py")
        assert prefilter.remembered(source) == (expected if read_by_workers else None)
