"""The syntax-tree pre-filter skips libcst only where no enabled rule could report."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaxlint.config import ALL_SELECTOR, Settings, load_settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.driver.source import looks_like_jax
from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Finding
from jaxlint.project import prefilter
from jaxlint.project.index import ProjectIndex, names_a_transformation, no_decorators
from jaxlint.rules import MODEL_RULES, RULES_BY_CODE, Rule
from jaxlint.rules.triggers import ALL_TRIGGERS, Trigger
from jaxlint.run import parallel
from jaxlint.run.check import CheckOptions, lint_paths
from jaxlint.syntax.compiled import Refusal

ROOT = Path(__file__).resolve().parent.parent
TRACED_ONLY = ("JL002", "JL004", "JL006", "JL007")
TRACED = {Trigger.TRACED_CODE}
EVERY_RULE = Settings(select=(ALL_SELECTOR,))
#: Generated programs per property below (the fuzz suite runs many more, prefilter on).
FUZZ_EXAMPLES = 40


def tree(code: str) -> ast.Module:
    return ast.parse(textwrap.dedent(code))


def shown(code: str, traced_decorators: tuple[str, ...] = ()) -> set[Trigger]:
    return set(prefilter.shown_triggers(tree(code), traced_decorators))


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
    assert shown(NO_CANDIDATE) == set()
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
    assert shown(utils) == set()
    run = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), CheckOptions())
    assert [(Path(f.path).name, f.line, f.code) for f in run.findings] == [("utils.py", 4, "JL004")]


def test_selecting_traced_code_rules_skips_more(libcst_parses: list[bytes]) -> None:
    # An array store outside traced code: a JL001 candidate, nothing for the others.
    assert shown(ARRAY_STORE) == {Trigger.ARRAY_ITEM_STORE}
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
        ("import jax\n@jax.jit\ndef f(x, i):\n    x[i] = 1\n", TRACED | {Trigger.ARRAY_ITEM_STORE}),
        # A string key is a dict; the file names no JAX array either way.
        ('import jax.numpy as jnp\nparams = {}\nparams["w"] = jnp.zeros(3)\n', set()),
        ("import jax\nx = jax.device_put(y)\nx[0] = 1\n", {Trigger.ARRAY_ITEM_STORE}),
        ("import jax\ndef f(x: jax.Array):\n    x[0] = 1\n", {Trigger.ARRAY_ITEM_STORE}),
        ("import jax\ny = f(x).at[0].get()\nz[0] = y\n", {Trigger.ARRAY_ITEM_STORE}),
        ("import numpy as np\nx = np.zeros(3)\nx[0] = 1\nimport jax\n", set()),
        ("from jax import random\nkey = random.PRNGKey(0)\n", {Trigger.RANDOM_KEY_NAME}),
        ("import random\nimport jax\nrandom.random()\n", set()),
        ("import jax\nx.at[0].set(1)\n", {Trigger.AT_UPDATE_STATEMENT}),
        ("import jax\nfrom time import perf_counter as now\nt = now()\n", {Trigger.CLOCK_READ}),
        ("import jax, timeit\ns = timeit.timeit(lambda: 0)\n", {Trigger.CLOCK_READ}),
        ("import jax\ntime = 3\nt = time.time\n", set()),
        # A dropped call's result, with an array in sight (JL008); `print` alone is not.
        ("import jax.numpy as jnp\njnp.clip(x, 0, 1)\n", {Trigger.ARRAY_CALL_STATEMENT}),
        ("import optax\noptax.apply_updates(p, u)\n", {Trigger.ARRAY_CALL_STATEMENT}),
        ("import jax\nprint(x)\nx.append(y)\n", set()),
        (
            "import jax.numpy as jnp\ny = jnp.ones(2)\ny.astype(int)\n",
            {Trigger.ARRAY_CALL_STATEMENT},
        ),
        # A loop target rebound in its body (JL008's lost loop updates).
        (
            "import jax.numpy as jnp\nfor p in jnp.split(x, 2):\n    p -= 1\n",
            {Trigger.LOOP_TARGET_UPDATE},
        ),
        ("import jax.numpy as jnp\nfor p in jnp.split(x, 2):\n    q = p - 1\n", set()),
    ],
)
def test_triggers_shown(code: str, expected: set[Trigger]) -> None:
    assert shown(code) == expected


def test_configured_traced_decorator_counts_as_tracing() -> None:
    code = "from mylib import staged\n@staged\ndef f(x):\n    print(x)\n"
    assert shown(code) == set()
    assert shown(code, ("mylib.staged",)) == TRACED


def test_array_function_and_display() -> None:
    assert shown("import jax.numpy as jnp\ny = jnp.sum([1, 2])\n") == {
        Trigger.ARRAY_FUNCTION_AND_DISPLAY
    }
    assert shown("import jax.numpy as jnp\ny = jnp.sum(x)\n") == set()


@pytest.mark.parametrize(
    "display",
    ['f"{[1, 2]}"', "(a, b).count", "x[1, 2]", "g(*[v for v in w])", "lambda v=(1,): v"],
)
def test_a_display_anywhere_counts_for_array_functions(display: str) -> None:
    # Near misses of the scan's own walk, which skips what names and constants hold:
    # a display in an f-string, as an attribute's receiver, a subscript or a default.
    code = f"import jax.numpy as jnp\ny = jnp.sum(x)\nz = {display}\n"
    assert shown(code) == {Trigger.ARRAY_FUNCTION_AND_DISPLAY}


def test_aliases_that_do_not_settle_show_every_trigger() -> None:
    # a14 = jax; a13 = a14.x; ... a0 = a1.x: the scan meets a0 first, so each round of
    # propagation settles one more link, and there are more links than rounds.
    rounds = prefilter.MAX_ALIAS_ROUNDS + 2
    chain = "".join(f"a{n} = a{n + 1}.x\n" for n in reversed(range(rounds)))
    assert shown(f"import jax\na{rounds} = jax\n{chain}") == set(ALL_TRIGGERS)
    assert shown("import jax\na2 = jax\na1 = a2.x\na0 = a1.x\n") == set()


class NewRule(Rule):
    """A rule that declares no triggers (as a new one might)."""

    code = "JL099"


def test_a_rule_runs_where_one_of_its_triggers_is_shown() -> None:
    jl005, jl008 = RULES_BY_CODE["JL005"], RULES_BY_CODE["JL008"]
    assert not prefilter.could_report(frozenset(), [jl005, jl008])
    assert prefilter.could_report(frozenset({Trigger.RANDOM_KEY_NAME}), [jl005])
    assert not prefilter.could_report(frozenset({Trigger.RANDOM_KEY_NAME}), [jl008])
    assert prefilter.could_report(frozenset({Trigger.RANDOM_KEY_NAME}), [jl008, jl005()])
    assert prefilter.could_report(ALL_TRIGGERS, MODEL_RULES)


def test_a_rule_without_triggers_is_never_skipped() -> None:
    assert prefilter.could_report(frozenset(), [NewRule])
    assert prefilter.could_report(frozenset(), [RULES_BY_CODE["JL008"], NewRule()])


def test_every_trigger_is_declared_by_some_rule() -> None:
    # A trigger no rule declares is evidence looked for in vain.
    declared = set().union(*(rule.triggers for rule in MODEL_RULES))
    assert declared == set(ALL_TRIGGERS)


FLAGGED = [
    pytest.param(rule, example.code, id=f"{rule.code}-invalid-{i}")
    for rule in MODEL_RULES
    for i, example in enumerate(rule.invalid)
] + [pytest.param(rule, rule.example, id=f"{rule.code}-example") for rule in MODEL_RULES]


@pytest.mark.parametrize(("rule", "example"), FLAGGED)
def test_every_flagged_example_shows_a_trigger_of_its_rule(rule: type[Rule], example: str) -> None:
    assert rule.triggers, f"{rule.code} declares no triggers: the prefilter never skips it"
    assert shown(example) & rule.triggers


def _findings(code: str, path: str) -> list[Finding]:
    result = lint_python_source(code, path, EVERY_RULE)
    assert result.errors == []
    return result.findings


def assert_same_without_prefilter(code: str, path: str = "example.py") -> list[Finding]:
    """Every rule's findings on ``code`` alone are the same with the prefilter off, and
    each rests on a trigger its rule declares (so the file is kept with that rule
    selected alone, too). Returns the findings."""
    with_prefilter = _findings(code, path)
    prefilter.ENABLED = False
    try:
        without = _findings(code, path)
    finally:
        prefilter.ENABLED = True
    assert with_prefilter == without, code
    python_tree = prefilter.python_tree(code.encode())
    if isinstance(python_tree, ast.Module):
        triggers = prefilter.shown_triggers(python_tree)
        for finding in without:
            rule = RULES_BY_CODE[finding.code]
            if issubclass(rule, Rule) and rule.triggers:
                assert triggers & rule.triggers, (finding, code)
    return without


EXAMPLE_SOURCES = [
    pytest.param(textwrap.dedent(source), id=f"{rule.code}-{kind}-{i}")
    for rule in MODEL_RULES
    for kind, sources in (
        ("valid", [example.code for example in rule.valid]),
        ("invalid", [example.code for example in rule.invalid]),
        ("documented", [rule.example, rule.use_instead]),
    )
    for i, source in enumerate(sources)
]


@pytest.mark.parametrize("source", EXAMPLE_SOURCES)
def test_rule_examples_are_the_same_without_the_prefilter(source: str) -> None:
    assert_same_without_prefilter(source)


REAL_BUGS = sorted((ROOT / "tests" / "real_bugs").glob("*.py"))


@pytest.mark.parametrize(
    "path",
    [*REAL_BUGS, *sorted((ROOT / "fixtures").rglob("*.py"))],
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_real_bugs_and_fixtures_alone_are_the_same_without_the_prefilter(path: Path) -> None:
    assert_same_without_prefilter(path.read_text(encoding="utf-8"), path.name)


def test_real_bugs_alone_have_findings() -> None:
    # So the comparison above is not vacuous.
    flagged = [path for path in REAL_BUGS if _findings(path.read_text(encoding="utf-8"), path.name)]
    assert len(flagged) >= 100


#: Rule examples to glue into one module, where rules meet other rules' constructs.
_EXAMPLE_TEXTS = sorted({source for param in EXAMPLE_SOURCES for source in param.values})
_FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@_FUZZ_SETTINGS
@given(st.lists(st.sampled_from(_EXAMPLE_TEXTS), min_size=2, max_size=4))
def test_glued_examples_are_the_same_without_the_prefilter(parts: list[str]) -> None:
    assert_same_without_prefilter("\n".join(parts))


@_FUZZ_SETTINGS
@given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
def test_generated_programs_are_the_same_without_the_prefilter(source: str) -> None:
    # JAX in sight, so that the rules run where the prefilter lets them.
    assert_same_without_prefilter("import jax\nimport jax.numpy as jnp\n" + source)


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

    def counted(source: bytes, *, compiles: bool = True) -> ast.Module | Refusal:
        python_parses.append(source)
        return python_tree(source, compiles=compiles)

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
    parallel.summarize_files(files, no_decorators, summaries, jobs=2)
    # Every file naming a transformation, and only those, was read by the workers.
    assert len(summaries) == len(files) - 1
    from_workers = ProjectIndex(files, no_decorators, summaries)
    here = ProjectIndex(files)
    for path in files:
        assert from_workers.external_traced(path) == here.external_traced(path)
    assert set(here.external_traced(str(tmp_path / "helpers0.py"))) == {"log"}
    for path in files:
        source = Path(path).read_bytes()
        expected = prefilter.shown_triggers(ast.parse(source))
        read_by_workers = not path.endswith("plain.py")
        assert prefilter.remembered(source) == (expected if read_by_workers else None)


@pytest.mark.parametrize("module", jf.JAX_ECOSYSTEM)
def test_text_stage_reads_the_ecosystem_from_the_facts(module: str) -> None:
    assert looks_like_jax(f"from {module} import thing\n", Settings())
    assert not looks_like_jax(f"from {module}_extras import thing\n", Settings())


def test_text_stages_read_updates_and_transformations_from_the_facts() -> None:
    assert looks_like_jax(f"y = x.{jf.AT_PROPERTY}[0].get()\n", Settings())
    assert not looks_like_jax("y = x.attr[0]\n", Settings())
    jitting = [name for name, t in jf.TRANSFORMS.items() if t.kind is jf.TransformKind.JIT]
    assert len(jitting) > 3
    for name in jitting:
        mention = f"step = {name.rsplit('.', 1)[-1]}(f)\n".encode()
        assert names_a_transformation(mention, frozenset()), name
    assert not names_a_transformation(b"step = compile_it(f)\n", frozenset())
    assert names_a_transformation(b"step = compile_it(f)\n", frozenset({"mylib.compile_it"}))
