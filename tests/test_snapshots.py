"""Snapshot tests, as ruff's: for each rule, tests/snapshots/JLnnn.txt holds what a user
sees for each of its Invalid examples: the ``--output-format full`` report without colour
(message, underlined source, the fix's title) and, when the example has a fix, the diff
``--diff --unsafe-fixes`` prints. Reading these files is reading the rule as a user does:
a message or a fix title that reads wrong shows here.

Each example goes through ``run_check``, what ``jaxlint -`` runs, in this process.
``JAXLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py`` rewrites the files; review
the change with ``git diff tests/snapshots``.
"""

from __future__ import annotations

import difflib
import io
import os
import textwrap
from pathlib import Path

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.output.choices import ColorChoice, OutputFormat
from jaxlint.rules import ALL_RULES, Rule
from jaxlint.run.check import CheckOptions, run_check

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_VARIABLE = "JAXLINT_UPDATE_SNAPSHOTS"
UPDATE_COMMAND = f"{UPDATE_VARIABLE}=1 pytest tests/test_snapshots.py"

#: The rules with Invalid examples (JL000, a syntax error, has none to show).
SNAPSHOT_RULES = [rule for rule in ALL_RULES if rule.invalid]


def _check(source: str, path: str, settings: Settings, options: CheckOptions) -> str:
    """What ``jaxlint - --stdin-filename PATH`` prints for ``source``; nothing on stderr."""
    out, err = io.StringIO(), io.StringIO()
    run_check(["-"], settings, options, out=out, err=err, stdin=io.BytesIO(source.encode()))
    assert err.getvalue() == "" or options.diff, err.getvalue()
    return out.getvalue()


def render(rule: type[Rule]) -> str:
    """The snapshot of ``rule``: a header, then each Invalid example's report and diff."""
    settings = Settings(select=(rule.code,))
    parts = [
        f"{rule.code} {rule.name}: each Invalid example as `jaxlint --output-format full`\n"
        "prints it, then the diff of `--diff --unsafe-fixes` where it has a fix.\n"
        f"Regenerate with: {UPDATE_COMMAND}\n"
    ]
    for number, example in enumerate(rule.invalid):
        path = f"invalid_{number}.py"
        source = textwrap.dedent(example.code)
        shown = CheckOptions(
            output_format=OutputFormat.FULL, color=ColorChoice.NEVER, stdin_filename=path
        )
        diff = CheckOptions(diff=True, unsafe_fixes=True, stdin_filename=path)
        parts.append(f"=== {path} ===\n{_check(source, path, settings, shown)}")
        fixed = _check(source, path, settings, diff)
        if fixed:
            parts.append(fixed)
    return "\n".join(parts)


@pytest.mark.parametrize("rule", SNAPSHOT_RULES, ids=lambda rule: rule.code)
def test_snapshot(rule: type[Rule]) -> None:
    file = SNAPSHOTS / f"{rule.code}.txt"
    actual = render(rule)
    if os.environ.get(UPDATE_VARIABLE):
        SNAPSHOTS.mkdir(exist_ok=True)
        file.write_text(actual, encoding="utf-8")
        return
    if not file.exists():
        pytest.fail(f"no snapshot {file.name} for {rule.code}: create it with {UPDATE_COMMAND}")
    expected = file.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"snapshots/{file.name} (stored)",
            tofile=f"snapshots/{file.name} (now)",
        )
        pytest.fail(
            f"{rule.code}'s output changed; if that is intended, run {UPDATE_COMMAND}\n"
            + "".join(diff),
            pytrace=False,
        )


def test_every_rule_has_a_snapshot_and_every_snapshot_a_rule() -> None:
    expected = {f"{rule.code}.txt" for rule in SNAPSHOT_RULES}
    stored = {file.name for file in SNAPSHOTS.glob("*.txt")}
    assert expected - stored == set(), f"missing snapshots: create them with {UPDATE_COMMAND}"
    assert stored - expected == set(), "snapshots of no rule (or of one without examples)"
    assert {f"JL{number:03}.txt" for number in range(1, 18)} <= expected


def test_every_fix_title_reads_as_an_imperative() -> None:
    """Outputs print a fix's title as is (`= help: ...`, JSON's `fix.message`, the
    editor's code action): the rule writes a whole capitalised phrase, not a fragment
    for the output to wrap."""
    titles = {
        finding.fix.message
        for rule in SNAPSHOT_RULES
        for example in rule.invalid
        for finding in lint_python_source(
            textwrap.dedent(example.code), "example.py", Settings(select=(rule.code,))
        ).findings
        if finding.fix is not None
    }
    assert len(titles) >= 5  # JL001, JL004, JL007, JL008 and JL012 have fixes
    for title in titles:
        assert title[0].isupper() and not title.endswith("."), title
