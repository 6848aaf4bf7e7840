"""The regression suite of real bugs from public bug reports (tests/real_bugs).

Each case there is a user's snippet from a public issue thread or Q&A page, rewritten as a
small module with ``# expect: JL00N`` on the buggy lines and the maintainers' fixed
versions as traps (``# trap: JL00N``). The model does not find every mark yet: the floors
below are what it achieves now, so a regression fails; raise them as the model improves.
``python benchmarks/score_real_bugs.py`` lists every miss and false alarm.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT

REAL_BUGS = ROOT / "tests" / "real_bugs"
RULES = ("JL001", "JL002", "JL003", "JL004", "JL005", "JL006", "JL007", "JL008")

# (precision, recall) per rule and overall, as measured on this suite; rounded down.
FLOORS: dict[str, tuple[float, float]] = {
    "JL001": (1.000, 1.000),
    "JL002": (1.000, 1.000),
    "JL003": (1.000, 0.916),
    "JL004": (1.000, 1.000),
    "JL005": (1.000, 1.000),
    "JL006": (1.000, 1.000),
    "JL007": (1.000, 1.000),
    "JL008": (1.000, 1.000),
    "JL011": (1.000, 1.000),
    "JL016": (1.000, 1.000),
    "all": (1.000, 0.990),
}


def _load_scorer() -> ModuleType:
    path = ROOT / "benchmarks" / "score_real_bugs.py"
    spec = importlib.util.spec_from_file_location("score_real_bugs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolves annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


scorer = _load_scorer()


@pytest.fixture(scope="module")
def suite():  # -> scorer.SuiteScore
    return scorer.score(REAL_BUGS)


def test_suite_is_what_it_claims() -> None:
    marks = scorer._marks(REAL_BUGS, scorer.EXPECT)
    traps = scorer._marks(REAL_BUGS, scorer.TRAP)
    assert sum(marks.values()) >= 100
    assert sum(traps.values()) >= 40
    for code in RULES:
        assert sum(n for mark, n in marks.items() if mark[2] == code) >= 6, code
    for path in sorted(REAL_BUGS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Source: http"), path.name
        ast.parse(text, filename=str(path))


def test_precision_and_recall_do_not_regress(suite, capsys: pytest.CaptureFixture[str]) -> None:
    assert suite.errors == []
    table = scorer.render_table(suite)
    with capsys.disabled():
        print("\n" + table)
    scores = {s.code: s for s in [*suite.rules(), suite.overall()]}
    assert set(scores) == set(FLOORS)
    below = {
        code: (round(scores[code].precision, 3), round(scores[code].recall, 3))
        for code, (precision, recall) in FLOORS.items()
        if scores[code].precision < precision or scores[code].recall < recall
    }
    assert below == {}, "\n" + scorer.render_report(suite)


def test_scoring_counts_hits_misses_and_false_alarms(tmp_path: Path) -> None:
    (tmp_path / "case.py").write_text(
        "import jax\n"
        "import jax.numpy as jnp\n"
        "\n"
        "\n"
        "@jax.jit\n"
        "def f(x):\n"
        "    if x > 0:  # expect: JL006\n"
        "        return x\n"
        "    return jnp.zeros(3)  # expect: JL001\n"
        "\n"
        "\n"
        "def g(key):\n"
        "    a = jax.random.normal(key)\n"
        "    b = jax.random.normal(key)\n"
        "    return a, b  # trap: JL005\n",
        encoding="utf-8",
    )
    result = scorer.score(tmp_path)
    jl006, jl001, jl005 = result.rule("JL006"), result.rule("JL001"), result.rule("JL005")
    assert (jl006.true_positives, jl006.false_positives, jl006.false_negatives) == (1, 0, 0)
    assert (jl001.true_positives, jl001.false_negatives, jl001.recall) == (0, 1, 0.0)
    assert (jl005.false_positives, jl005.precision, jl005.traps) == (1, 0.0, 1)
    assert dict(result.misses) == {("case.py", 9, "JL001"): 1}
    assert dict(result.false_alarms) == {("case.py", 14, "JL005"): 1}
    overall = result.overall()
    assert (overall.snippets, overall.traps) == (2, 1)
    report = scorer.render_report(result)
    assert "case.py:9: JL001  return jnp.zeros(3)  # expect: JL001" in report
    assert "case.py:14: JL005  b = jax.random.normal(key)" in report
