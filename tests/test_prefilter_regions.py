"""Files whose functions other files trace reach libcst only where the traced region
could hold a finding (jaxlint.project.regions), and every finding there is kept."""

from __future__ import annotations

import ast
import multiprocessing
import textwrap
from pathlib import Path

import pytest

from jaxlint.config import ALL_SELECTOR, Settings, load_settings
from jaxlint.driver.engine import lint_bytes
from jaxlint.fix.findings import Finding
from jaxlint.project import prefilter, regions
from jaxlint.project.index import CrossModuleFacts
from jaxlint.rules import MODEL_RULES, rules_for
from jaxlint.run import parallel
from jaxlint.run.check import CheckOptions, lint_paths

ROOT = Path(__file__).resolve().parent.parent
EVERY_RULE = Settings(select=(ALL_SELECTOR,))
VIA = "called from the jitted step in train.py:9"


def traced_elsewhere(code: str, *qualnames: str, settings: Settings = EVERY_RULE) -> list[Finding]:
    """The findings on ``code`` when another file traces the functions ``qualnames``."""
    external = CrossModuleFacts(traced=dict.fromkeys(qualnames, VIA))
    result = lint_bytes("helpers.py", textwrap.dedent(code).encode(), settings, external=external)
    assert result.errors == []
    return result.findings


def clean(code: str) -> frozenset[str]:
    tree = ast.parse(textwrap.dedent(code))
    found = prefilter.with_regions(prefilter.file_verdict(tree), tree).clean_units
    assert found is not None
    return found


# ---------------------------------------------------------------- skipped, and near misses

HELPER = """\
import functools

def canonical_axis(axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} out of range")
    return axis % ndim

def unrelated():
    print("set up")
"""


def test_a_plain_helper_traced_from_elsewhere_is_skipped(libcst_parses: list[bytes]) -> None:
    # Its parameters are the caller's to know: no rule about traced code can report here.
    assert clean(HELPER) == {"canonical_axis"}
    assert traced_elsewhere(HELPER, "canonical_axis") == []
    assert libcst_parses == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("    print(axis)\n", "JL004"),  # a side effect
        ("    global _calls\n    _calls = axis\n", "JL002"),  # an outer name written
        ("    _seen.append(axis)\n", "JL002"),  # an outer container mutated
        ("    import numpy as np\n    np.asarray(jnp.ones(3))\n", "JL007"),  # NumPy on a tracer
        ("    y = jnp.ones(3)\n    if y.sum() > 0:\n        return y\n", "JL006"),
    ],
)
def test_a_traced_helper_showing_a_construct_is_linted(body: str, code: str) -> None:
    source = "import jax.numpy as jnp\n_seen = []\n_calls = 0\n\ndef helper(axis):\n" + body
    assert "helper" not in clean(source)
    assert code in {finding.code for finding in traced_elsewhere(source, "helper")}


def test_what_a_traced_helper_calls_in_its_file_is_in_its_region() -> None:
    source = "def helper(x):\n    return _log(x)\n\ndef _log(x):\n    print(x)\n    return x\n"
    assert clean(source) == frozenset()
    assert [(f.line, f.code) for f in traced_elsewhere(source, "helper")] == [(5, "JL004")]


def test_a_logger_bound_at_module_level_is_in_the_region() -> None:
    source = (
        "import logging\n_log = logging.getLogger(__name__)\n\n"
        "def helper(x):\n    _log.info('x %s', x)\n    return x\n"
    )
    assert "helper" not in clean(source)
    assert [f.code for f in traced_elsewhere(source, "helper")] == ["JL004"]


def test_a_traced_method_brings_its_whole_class() -> None:
    source = (
        "class Tree:\n    def flatten(self, x):\n        return self._leaves(x)\n\n"
        "    def _leaves(self, x):\n        print(x)\n        return []\n"
    )
    assert clean(source) == frozenset()
    assert [f.code for f in traced_elsewhere(source, "Tree.flatten")] == ["JL004"]


def test_a_module_level_name_rebound_is_a_stale_read_candidate() -> None:
    source = "scale = 1.0\n\ndef helper(x):\n    return x * scale\n\nscale = 2.0\n"
    assert clean(source) == frozenset()  # JL010 may call the read stale


def test_a_function_defined_under_a_module_level_if_is_a_unit() -> None:
    source = "import sys\nif sys.version_info > (3,):\n    def helper(x):\n        print(x)\n"
    assert clean(source) == frozenset()
    assert [f.code for f in traced_elsewhere(source, "helper")] == ["JL004"]


def test_a_traced_name_the_file_does_not_define_is_never_clean() -> None:
    assert not regions.region_is_clean(clean(HELPER), ["Inherited.method"])
    assert regions.region_is_clean(clean(HELPER), ["canonical_axis"])


def test_other_facts_from_other_files_still_let_a_file_through(
    libcst_parses: list[bytes],
) -> None:
    external = CrossModuleFacts(traced={"canonical_axis": VIA}, rebound={"x": "train.py:3"})
    lint_bytes("helpers.py", HELPER.encode(), EVERY_RULE, external=external)
    assert len(libcst_parses) == 1


def test_a_project_run_skips_a_clean_helper_and_keeps_a_printing_one(
    tmp_path: Path, libcst_parses: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "train.py").write_text(
        "import jax\nfrom axes import canonical_axis\nfrom logs import log\n\n"
        "@jax.jit\ndef step(x):\n    log(x)\n    return x.sum(canonical_axis(0, 1))\n"
    )
    (tmp_path / "axes.py").write_text(HELPER)
    (tmp_path / "logs.py").write_text("def log(x):\n    print(x)\n")
    # One job in this process (as where forking is unsafe), so that the parses are seen.
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    options = CheckOptions(jobs=1)
    run = lint_paths([str(tmp_path)], load_settings(None, str(tmp_path)), options)
    assert [(Path(f.path).name, f.line, f.code) for f in run.findings] == [("logs.py", 2, "JL004")]
    parsed = sorted(source.split(b"\n")[0] for source in libcst_parses)
    assert parsed == [b"def log(x):", b"import jax"]  # axes.py spared libcst


# ---------------------------------------------------------------- exactness


def _undecorated(code: str) -> str:
    """The example without its decorators, so that only other files trace it."""
    kept = [
        line for line in textwrap.dedent(code).splitlines() if not line.lstrip().startswith("@")
    ]
    return "\n".join(kept) + "\n"


def _qualnames(code: str) -> list[str]:
    """Top-level functions and methods: what the project index names."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(statement.name)
        elif isinstance(statement, ast.ClassDef):
            names += [
                f"{statement.name}.{item.name}"
                for item in statement.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
    return names


SOURCES = [
    *(
        pytest.param(_undecorated(source), id=f"{rule.code}-{kind}-{i}")
        for rule in MODEL_RULES
        for kind, sources in (
            ("valid", [example.code for example in rule.valid]),
            ("invalid", [example.code for example in rule.invalid]),
        )
        for i, source in enumerate(sources)
    ),
    *(
        pytest.param(_undecorated(path.read_text(encoding="utf-8")), id=path.name)
        for path in sorted((ROOT / "tests" / "real_bugs").glob("*.py"))
    ),
]


def _same_with_and_without_prefilter(code: str, qualnames: list[str]) -> None:
    with_prefilter = traced_elsewhere(code, *qualnames)
    prefilter.ENABLED = False
    try:
        without = traced_elsewhere(code, *qualnames)
    finally:
        prefilter.ENABLED = True
    assert with_prefilter == without, code


@pytest.mark.parametrize("source", SOURCES)
def test_traced_from_elsewhere_the_findings_are_the_same_without_the_prefilter(
    source: str,
) -> None:
    qualnames = _qualnames(source)
    for traced in (qualnames, qualnames[:1], qualnames[-1:]):
        _same_with_and_without_prefilter(source, traced)


def test_the_exactness_comparison_is_not_vacuous() -> None:
    # Among the sources compared above, traced from elsewhere, many have findings and
    # many reach no libcst tree: both sides of the comparison are exercised.
    skipped = flagged = 0
    for param in SOURCES:
        (source,) = param.values
        qualnames = _qualnames(source)
        if not qualnames:
            continue
        tree = ast.parse(source)
        verdict = prefilter.with_regions(prefilter.file_verdict(tree), tree)
        if not verdict.may_report(rules_for(EVERY_RULE.codes_for("a.py")), qualnames):
            skipped += 1
        elif traced_elsewhere(source, *qualnames):
            flagged += 1
    assert skipped > 10 and flagged > 100, (skipped, flagged)


def test_a_container_the_function_made_may_be_filled() -> None:
    made = "def helper(xs):\n    out = []\n    table = dict()\n    for x in xs:\n        out.append(x)\n        table[x] = x\n    return out, table\n"
    assert clean(made) == {"helper"}
    assert traced_elsewhere(made, "helper") == []


@pytest.mark.parametrize(
    "source",
    [
        # an alias of module-level state is no new container
        "_seen = []\n\ndef helper(x):\n    seen = _seen\n    seen.append(x)\n",
        # a new container closed over by an inner function, which mutates it
        "def helper(x):\n    out = []\n    def add():\n        out.append(x)\n    add()\n    return out\n",
        # a parameter is the caller's container
        "def helper(out, x):\n    out.append(x)\n",
        # an element of a new container may be outer state
        "_seen = []\n\ndef helper(x):\n    box = [_seen]\n    box[0].append(x)\n",
    ],
)
def test_a_container_the_function_did_not_make_is_evidence(source: str) -> None:
    assert clean(source) == frozenset()
