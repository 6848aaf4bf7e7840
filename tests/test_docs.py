"""The README promises what CI runs and what the rules are."""

from __future__ import annotations

import re

from jaxlint.rules import ALL_RULES

from conftest import ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    install_and_lint, install_and_test = _quick_start()
    assert install_and_lint.endswith("jaxlint fixtures/")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert install_and_test in ci


def test_readme_rule_table_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = re.findall(r"^\| (JL\d{3}) \| ([a-z-]+) \|", readme, re.MULTILINE)
    assert [(rule.code, rule.name) for rule in ALL_RULES] == [
        pair for pair in listed if pair[0] in {rule.code for rule in ALL_RULES}
    ]
