"""A rule's findings never depend on which other rules run, nor on their order.

Every fixture file and every rule example is linted three ways: with one rule selected,
with all rules, and with all rules in reverse order; each rule's findings must be the
same in all three. The model caches answers across rules, so this is what proves the
cache holds only answers any question would get.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from jaxlint.config import ALL_CODES, Settings
from jaxlint.driver.engine import FileLinter
from jaxlint.fix.findings import Finding
from jaxlint.rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MODEL_CODES = tuple(code for code in ALL_CODES if code != "JL000")


def _sources() -> Iterator[tuple[str, str]]:
    for path in sorted(FIXTURES.rglob("*.py")):
        yield str(path.relative_to(FIXTURES)), path.read_text()
    for rule in ALL_RULES:
        for number, case in enumerate((*rule.valid, *rule.invalid)):
            yield f"{rule.code}-example-{number}", textwrap.dedent(case.code)


def _chain_source(printed: int, tested: int, length: int = 20) -> str:
    """A traced value passed down a chain of assignments, printed (JL004 asks whether
    ``a<printed>`` is traced) and tested (JL006 asks about ``a<tested>``): two rules
    asking about one chain from different depths."""
    lines = ["import jax", "", "@jax.jit", "def f(x):", "    a0 = x * 1"]
    lines += [f"    a{i} = a{i - 1} + 1" for i in range(1, length + 1)]
    lines += [f"    print(a{printed})", f"    if a{tested} > 0:", "        return a0"]
    return "\n".join([*lines, "    return a1"]) + "\n"


def _findings(source: str, codes: tuple[str, ...], reverse: bool = False) -> list[Finding]:
    linter = FileLinter("case.py", Settings(select=codes))
    if reverse:
        linter.rules.reverse()
    return linter.lint(source.encode()).findings


# Before the fix, JL004's question about a9 cached a4 as unknown (cut short by the depth
# bound), so `--select JL004,JL006` missed the `if a4 > 0` that `--select JL006` found.
CASES = [*_sources(), ("chain", _chain_source(printed=9, tested=4))]


@pytest.mark.parametrize(("name", "source"), CASES, ids=[name for name, _ in CASES])
def test_findings_do_not_depend_on_the_other_rules(name: str, source: str) -> None:
    together = _findings(source, MODEL_CODES)
    backwards = _findings(source, MODEL_CODES, reverse=True)
    assert sorted(together) == sorted(backwards)
    for code in MODEL_CODES:
        alone = _findings(source, (code,))
        assert alone == [f for f in together if f.code == code], code


def test_a_long_chain_of_assignments_is_followed_to_the_traced_parameter() -> None:
    # Before the evaluators kept only uncut answers, the depth bound cut this chain
    # short, and whether `a10` was traced depended on what other rules had asked.
    findings = _findings(_chain_source(printed=20, tested=10), ("JL006",))
    assert [(f.line, f.code) for f in findings] == [(27, "JL006")]
    assert "`a10 > 0`" in findings[0].message
