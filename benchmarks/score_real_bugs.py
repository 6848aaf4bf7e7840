"""Score jaxlint on the regression suite of real bugs from public bug reports.

    python benchmarks/score_real_bugs.py [--split old|tune|validation|heldout1|heldout2|heldout3|heldout|all] [FOLDER]

The suite is ``tests/real_bugs``. Every case there is a small module rewritten from a
public issue thread or Q&A page (its ``# Source:`` comment); a buggy line carries
``# expect: JL00N`` and a maintainer-style correct version carries ``# trap: JL00N``
(the rule it must stay silent for). A buggy line of a kind no rule covers carries
``# uncovered: <kind>`` instead: it is counted per kind, apart from precision and recall.
The suite runs with the default rule selection.

Splits: ``old`` is the modules at the top of the suite (scored and tuned on for a long
time); ``tune`` (``tests/real_bugs/tune``) and ``validation``
(``tests/real_bugs/validation``) were added together and assigned by a rule fixed before
anything was scored: the SHA-1 of the ``# Source:`` URL, modulo 3, is 0 for validation.
Tune on ``tune`` only; ``validation`` is the estimate on code nobody has tuned for.
``heldout1`` (``tests/real_bugs/heldout1``) is a later batch from threads none of the
others use, committed before it was first scored (issue 19); that score was reported
once (stop 21) and the batch is now released to tuning; ``heldout2`` is the next batch,
released in the same way after its score was reported (stop 22), and ``heldout3`` the
one after (stop 23). ``heldout``
(``tests/real_bugs/heldout``) is the next such batch: its first score is the estimate on
reports nobody has read; never tune on it. ``all`` prints each split, then
all of them together. FOLDER, if given, scores every
module under that folder as one suite instead.

Counted per rule: a true positive is a finding on a marked line with that code; a false
positive is a finding on an unmarked line, or with another code than the mark; a false
negative is a mark without a finding. A finding on an ``uncovered`` line is neither: it
is listed with that line. Prints precision and recall per rule and overall, then every
miss and every false alarm with ``file:line`` and the line itself.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jaxlint.config import Settings
from jaxlint.run.check import CheckOptions, lint_paths

REAL_BUGS = Path(__file__).resolve().parent.parent / "tests" / "real_bugs"
EXPECT = re.compile(r"#\s*expect:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")
TRAP = re.compile(r"#\s*trap:\s*(JL\d{3}(?:\s*,\s*JL\d{3})*)")
UNCOVERED = re.compile(r"#\s*uncovered:\s*(\S.*?)\s*$")
SOURCE = re.compile(r"^#\s*Source:\s*(\S+)")

#: Split name -> folder under the suite; ``old`` is the suite's top level.
SPLIT_FOLDERS: dict[str, str] = {
    "old": "",
    "tune": "tune",
    "validation": "validation",
    "heldout1": "heldout1",
    "heldout2": "heldout2",
    "heldout3": "heldout3",
    "heldout": "heldout",
}
SPLITS: tuple[str, ...] = (*SPLIT_FOLDERS, "all")

#: (file relative to the suite, line, code) -- or (file, line, kind) for uncovered marks.
Mark = tuple[str, int, str]


def split_of_source(url: str) -> str:
    """The split a new case belongs to, fixed by its source URL alone (never by its score)."""
    digest = int(hashlib.sha1(url.encode("utf-8")).hexdigest(), 16)
    return "validation" if digest % 3 == 0 else "tune"


def source_url(path: Path) -> str | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    match = SOURCE.match(lines[0]) if lines else None
    return match.group(1) if match else None


def split_files(split: str, root: Path = REAL_BUGS) -> list[Path]:
    """The case modules of one split (``all``: every split)."""
    if split == "all":
        return [path for name in SPLIT_FOLDERS for path in split_files(name, root)]
    return sorted((root / SPLIT_FOLDERS[split]).glob("*.py"))


def _marks(
    folder: Path, pattern: re.Pattern[str], files: Iterable[Path] | None = None
) -> Counter[Mark]:
    marks: Counter[Mark] = Counter()
    for path in sorted(folder.rglob("*.py")) if files is None else files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if not match:
                continue
            relative = path.relative_to(folder).as_posix()
            if pattern is UNCOVERED:
                marks[(relative, number, match.group(1))] += 1
                continue
            for code in match.group(1).split(","):
                marks[(relative, number, code.strip())] += 1
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
    """What the linter found against the marks of one suite folder (or one split of it)."""

    folder: Path
    marks: Counter[Mark]
    traps: Counter[Mark]
    found: Counter[Mark]
    errors: list[str] = field(default_factory=list)
    uncovered: Counter[Mark] = field(default_factory=Counter)

    @property
    def _uncovered_lines(self) -> set[tuple[str, int]]:
        return {(f, line) for f, line, _ in self.uncovered}

    @property
    def scored_found(self) -> Counter[Mark]:
        """Findings that count for precision: those on an ``uncovered`` line do not."""
        lines = self._uncovered_lines
        return Counter({m: n for m, n in self.found.items() if m[:2] not in lines})

    @property
    def found_on_uncovered(self) -> Counter[Mark]:
        lines = self._uncovered_lines
        return Counter({m: n for m, n in self.found.items() if m[:2] in lines})

    @property
    def misses(self) -> Counter[Mark]:
        return self.marks - self.scored_found

    @property
    def false_alarms(self) -> Counter[Mark]:
        return self.scored_found - self.marks

    def rule(self, code: str) -> RuleScore:
        hits = self.marks & self.scored_found
        return RuleScore(
            code=code,
            true_positives=sum(n for mark, n in hits.items() if mark[2] == code),
            false_positives=sum(n for mark, n in self.false_alarms.items() if mark[2] == code),
            false_negatives=sum(n for mark, n in self.misses.items() if mark[2] == code),
            snippets=sum(n for mark, n in self.marks.items() if mark[2] == code),
            traps=sum(n for mark, n in self.traps.items() if mark[2] == code),
        )

    def rules(self) -> list[RuleScore]:
        codes = {mark[2] for mark in (*self.marks, *self.scored_found, *self.traps)}
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

    def uncovered_kinds(self) -> Counter[str]:
        return Counter(kind for _, _, kind in self.uncovered.elements())

    def source_line(self, mark: Mark) -> str:
        lines = (self.folder / mark[0]).read_text(encoding="utf-8").splitlines()
        return lines[mark[1] - 1].strip() if 0 < mark[1] <= len(lines) else ""


def _score_files(root: Path, files: list[Path]) -> SuiteScore:
    found: Counter[Mark] = Counter()
    errors: list[str] = []
    if files:
        run = lint_paths([str(path) for path in files], Settings(root=str(root)), CheckOptions())
        found.update(
            (Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code)
            for f in run.findings
        )
        errors = list(run.errors)
    return SuiteScore(
        folder=root,
        marks=_marks(root, EXPECT, files),
        traps=_marks(root, TRAP, files),
        found=found,
        errors=errors,
        uncovered=_marks(root, UNCOVERED, files),
    )


def score(folder: Path = REAL_BUGS) -> SuiteScore:
    """Lint every module under ``folder`` with the default rule selection; compare with marks."""
    return _score_files(folder, sorted(folder.rglob("*.py")))


def score_split(split: str, root: Path = REAL_BUGS) -> SuiteScore:
    """Lint one split of the suite (see the module docstring) and compare with its marks."""
    return _score_files(root, split_files(split, root))


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


def render_uncovered(suite: SuiteScore) -> str:
    kinds = suite.uncovered_kinds()
    out = [f"uncovered ({sum(kinds.values())} in {len(kinds)} kinds): not in precision/recall"]
    out.extend(
        f"  {n:>3}  {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    on_lines = suite.found_on_uncovered
    for f, line, kind in sorted(suite.uncovered.elements()):
        codes = sorted(code for (g, n, code) in on_lines.elements() if (g, n) == (f, line))
        seen = f" [found as {', '.join(codes)}]" if codes else ""
        out.append(f"  {f}:{line}: {kind}{seen}")
    return "\n".join(out)


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
    if suite.uncovered:
        out.append(render_uncovered(suite))
    if suite.errors:
        out.append(f"errors ({len(suite.errors)}):")
        out.extend(f"  {e}" for e in suite.errors)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=None, type=Path)
    parser.add_argument("--split", choices=SPLITS, default="all")
    args = parser.parse_args(argv)
    if args.folder is not None:
        print(render_report(score(args.folder)))
        return 0
    names = [*SPLIT_FOLDERS, "all"] if args.split == "all" else [args.split]
    for name in names:
        print(f"== split {name} ==")
        print(render_report(score_split(name)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
