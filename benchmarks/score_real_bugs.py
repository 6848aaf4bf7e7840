"""Score jaxlint on the regression suite of real bugs from public bug reports.

    python benchmarks/score_real_bugs.py [FOLDER]

FOLDER defaults to ``tests/real_bugs``. Every case there is a small module rewritten from
a public issue thread or Q&A page (its ``# Source:`` comment); a buggy line carries
``# expect: JL00N`` and a maintainer-style correct version carries ``# trap: JL00N``
(the rule it must stay silent for). The suite runs with the default rule selection.

Counted per rule: a true positive is a finding on a marked line with that code; a false
positive is a finding on an unmarked line, or with another code than the mark; a false
negative is a mark without a finding. Prints precision and recall per rule and overall,
then every miss and every false alarm with ``file:line`` and the line itself.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jaxlint.config import Settings
from jaxlint.run.check import CheckOptions, lint_paths

REAL_BUGS = Path(__file__).resolve().parent.parent / "tests" / "real_bugs"
EXPECT = re.compile(r"#\s*expect:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")
TRAP = re.compile(r"#\s*trap:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")

#: (file relative to the suite, line, code)
Mark = tuple[str, int, str]


def _marks(folder: Path, pattern: re.Pattern[str]) -> Counter[Mark]:
    marks: Counter[Mark] = Counter()
    for path in sorted(folder.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if match:
                for code in match.group(1).split(","):
                    marks[(path.relative_to(folder).as_posix(), number, code.strip())] += 1
    return marks


@dataclass(frozen=True)
class RuleScore:
    code: str
    true_positives: int
    false_positives: int
    false_negatives: int
    snippets: int
    traps: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        marked = self.true_positives + self.false_negatives
        return self.true_positives / marked if marked else 1.0


@dataclass
class SuiteScore:
    """What the linter found against the marks of one suite folder."""

    folder: Path
    marks: Counter[Mark]
    traps: Counter[Mark]
    found: Counter[Mark]
    errors: list[str] = field(default_factory=list)

    @property
    def misses(self) -> Counter[Mark]:
        return self.marks - self.found

    @property
    def false_alarms(self) -> Counter[Mark]:
        return self.found - self.marks

    def rule(self, code: str) -> RuleScore:
        hits = self.marks & self.found
        return RuleScore(
            code=code,
            true_positives=sum(n for mark, n in hits.items() if mark[2] == code),
            false_positives=sum(n for mark, n in self.false_alarms.items() if mark[2] == code),
            false_negatives=sum(n for mark, n in self.misses.items() if mark[2] == code),
            snippets=sum(n for mark, n in self.marks.items() if mark[2] == code),
            traps=sum(n for mark, n in self.traps.items() if mark[2] == code),
        )

    def rules(self) -> list[RuleScore]:
        codes = {mark[2] for mark in (*self.marks, *self.found, *self.traps)}
        return [self.rule(code) for code in sorted(codes)]

    def overall(self) -> RuleScore:
        scores = self.rules()
        return RuleScore(
            code="all",
            true_positives=sum(s.true_positives for s in scores),
            false_positives=sum(s.false_positives for s in scores),
            false_negatives=sum(s.false_negatives for s in scores),
            snippets=sum(s.snippets for s in scores),
            traps=sum(s.traps for s in scores),
        )

    def source_line(self, mark: Mark) -> str:
        lines = (self.folder / mark[0]).read_text(encoding="utf-8").splitlines()
        return lines[mark[1] - 1].strip() if 0 < mark[1] <= len(lines) else ""


def score(folder: Path = REAL_BUGS) -> SuiteScore:
    """Lint ``folder`` with the default rule selection and compare with its marks."""
    run = lint_paths([str(folder)], Settings(root=str(folder)), CheckOptions())
    found: Counter[Mark] = Counter(
        (Path(f.path).resolve().relative_to(folder.resolve()).as_posix(), f.line, f.code)
        for f in run.findings
    )
    return SuiteScore(
        folder=folder,
        marks=_marks(folder, EXPECT),
        traps=_marks(folder, TRAP),
        found=found,
        errors=list(run.errors),
    )


def render_table(suite: SuiteScore) -> str:
    rows = [
        f"{'rule':<6} {'snippets':>8} {'traps':>6} {'TP':>4} {'FP':>4} {'FN':>4} "
        f"{'precision':>9} {'recall':>7}"
    ]
    for s in [*suite.rules(), suite.overall()]:
        rows.append(
            f"{s.code:<6} {s.snippets:>8} {s.traps:>6} {s.true_positives:>4} "
            f"{s.false_positives:>4} {s.false_negatives:>4} {s.precision:>9.3f} {s.recall:>7.3f}"
        )
    return "\n".join(rows)


def render_report(suite: SuiteScore) -> str:
    out = [render_table(suite), ""]
    misses = sorted(suite.misses.elements())
    out.append(f"misses ({len(misses)}): marked, not found")
    out.extend(
        f"  {f}:{line}: {code}  {suite.source_line((f, line, code))}" for f, line, code in misses
    )
    alarms = sorted(suite.false_alarms.elements())
    out.append(f"false alarms ({len(alarms)}): found, not marked")
    for f, line, code in alarms:
        on_trap = " [trap line]" if any(t[:2] == (f, line) for t in suite.traps) else ""
        out.append(f"  {f}:{line}: {code}{on_trap}  {suite.source_line((f, line, code))}")
    if suite.errors:
        out.append(f"errors ({len(suite.errors)}):")
        out.extend(f"  {e}" for e in suite.errors)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REAL_BUGS), type=Path)
    args = parser.parse_args(argv)
    print(render_report(score(args.folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
