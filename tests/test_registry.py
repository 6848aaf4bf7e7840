"""One registry of codes: the rules. Configuration derives its codes from it without
loading the rules when it is only read."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jaxlint import config
from jaxlint.config import ConfigError, Settings, validate_selectors
from jaxlint.rules import ALL_RULES, MODEL_RULES, OPT_IN_CODES, rules_for


def test_codes_come_from_the_rule_registry() -> None:
    assert config.ALL_CODES == tuple(rule.code for rule in ALL_RULES)
    assert config.ALL_CODES[0] == "JL000"
    # Every code but the opt-in ones is on by default; ALL or the exact code turns those on.
    assert OPT_IN_CODES == {"JL009"}
    assert Settings().codes_for("a.py") == frozenset(config.ALL_CODES) - OPT_IN_CODES
    assert Settings(select=("ALL",)).codes_for("a.py") == frozenset(config.ALL_CODES)
    assert "JL009" in Settings(extend_select=("JL009",)).codes_for("a.py")
    assert "JL009" not in Settings(select=("JL00",)).codes_for("a.py")
    with pytest.raises(ConfigError, match="unknown rule selector `JL9`"):
        validate_selectors(["JL9"], "--select")


def test_jl000_is_enabled_but_runs_no_rule() -> None:
    rules = rules_for(Settings().codes_for("a.py"))
    assert [type(rule) for rule in rules] == [r for r in MODEL_RULES if r.default_enabled]
    assert "JL000" not in {rule.code for rule in rules}


def test_reading_the_configuration_does_not_load_the_rules() -> None:
    probe = (
        "import sys, jaxlint.config as c; s = c.load_settings(None, '.');"
        "print('jaxlint.rules' in sys.modules, 'libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_generated_rule_catalog_matches_the_rule_classes() -> None:
    # `jaxlint rules` and `jaxlint rule` read a copy, so as not to import libcst; the
    # classes are the one source: regenerate with `python -m jaxlint.rules.catalog`.
    from jaxlint.rules.catalog import catalog, entries_from_registry

    assert catalog() == entries_from_registry()


def test_preview_codes_come_from_the_rules() -> None:
    from jaxlint.rules import PREVIEW_CODES

    assert PREVIEW_CODES == {rule.code for rule in ALL_RULES if rule.preview} == set()
