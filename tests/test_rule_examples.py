"""Every rule carries valid and invalid examples; this proves them (Fixit-style)."""

from __future__ import annotations

import ast
import re
import textwrap

import libcst as cst
import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.rules import ALL_RULES, MODEL_RULES, Rule, RuleInfo


def _settings(rule: type[Rule]) -> Settings:
    return Settings(select=(rule.code,))


VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{i}")
    for rule in ALL_RULES
    for i, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in ALL_RULES
    for i, example in enumerate(rule.invalid)
]


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_clean(rule: type[Rule], example) -> None:
    result = lint_python_source(textwrap.dedent(example.code), "example.py", _settings(rule))
    assert [(f.code, f.line, f.message) for f in result.findings] == []
    assert result.errors == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_flagged(rule: type[Rule], example) -> None:
    source = textwrap.dedent(example.code)
    result = lint_python_source(source, "example.py", _settings(rule))
    assert result.errors == []
    assert [f.code for f in result.findings] == [rule.code] * example.count, result.findings
    first = result.findings[0]
    offset = 1 if source.startswith("\n") else 0  # line 1 follows the opening quotes
    if example.line is not None:
        assert first.line - offset == example.line, first
    if example.column is not None:
        assert first.column == example.column, first
    if example.message is not None:
        assert example.message in first.message, first.message
    if example.fixes is not None:
        given = [f.fix.applicability.value if f.fix else None for f in result.findings]
        assert given == list(example.fixes), result.findings
    fixed = lint_python_source(source, "example.py", _settings(rule), fix=True, unsafe_fixes=True)
    if example.fixed is not None:
        assert fixed.fixed_source is not None
        assert fixed.fixed_source.decode() == textwrap.dedent(example.fixed)
        cst.parse_module(fixed.fixed_source)  # still parses
        again = lint_python_source(fixed.fixed_source, "example.py", _settings(rule), fix=True)
        assert again.fixed_source is None  # a second --fix changes nothing
    else:
        assert fixed.fixed_source is None


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule: type[RuleInfo]) -> None:
    """Every section has something to say; the code blocks are Python (the example of a
    syntax error excepted); what the fix does is explained when there is one."""
    assert re.fullmatch(r"JL\d{3}", rule.code) and re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name)
    assert rule.summary.strip() and not rule.summary.endswith(".")
    sections = {
        "what_it_does": rule.what_it_does,
        "why_bad": rule.why_bad,
        "example": rule.example,
        "use_instead": rule.use_instead,
    }
    for name, text in sections.items():
        assert len(textwrap.dedent(text).strip().split()) >= 3, f"{rule.code} {name} is empty"
    assert textwrap.dedent(rule.example).strip() != textwrap.dedent(rule.use_instead).strip()
    ast.parse(textwrap.dedent(rule.use_instead))
    if rule.code == "JL000":
        with pytest.raises(SyntaxError):
            ast.parse(textwrap.dedent(rule.example))
    else:
        ast.parse(textwrap.dedent(rule.example))
    assert rule.fix in {"safe", "unsafe", "sometimes", "none"}
    if rule.fix != "none":
        assert rule.fix_safety.strip(), f"{rule.code} has a fix and no Fix safety"
    doc = rule.documentation()
    for text in (*sections.values(), rule.fix_safety):
        assert textwrap.dedent(text).strip() in doc


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_model_rules_carry_examples_and_jl000_is_the_parsers(rule: type[RuleInfo]) -> None:
    if rule.code == "JL000":
        assert rule not in MODEL_RULES and not issubclass(rule, Rule)
        assert (rule.valid, rule.invalid) == ((), ())
    else:
        assert rule in MODEL_RULES and rule.valid and rule.invalid


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_documented_example_is_flagged_and_its_fix_is_clean(rule: type[Rule]) -> None:
    """`jaxlint rule CODE` shows an example and what to use instead: both must be true."""
    example = lint_python_source(textwrap.dedent(rule.example), "example.py", _settings(rule))
    assert rule.code in {f.code for f in example.findings}
    instead = lint_python_source(textwrap.dedent(rule.use_instead), "example.py", _settings(rule))
    assert [f.code for f in instead.findings] == []
