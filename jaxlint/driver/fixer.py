"""The ``--fix`` loop: apply what was found, re-parse, re-lint, until nothing is left.

Each pass applies the fixes that do not overlap (see :mod:`jaxlint.fix.edits`); a deferred
fix is found again on the re-linted tree and applied in a later pass. A pass whose
result does not parse is refused whole, so ``--fix`` never writes broken code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from jaxlint.driver.source import parse
from jaxlint.fix.edits import Fix, apply_fixes
from jaxlint.fix.findings import Diagnostic, Finding
from jaxlint.notebook import is_notebook

MAX_FIX_PASSES = 10

Located = list[tuple[Finding, Diagnostic]]


@dataclass
class FixOutcome:
    module: cst.Module
    located: Located  # what is left, on the fixed tree
    applied: int = 0  # fixes whose edits are all in ``module``
    warnings: list[str] = field(default_factory=list)


def fix_until_clean(
    path: str,
    module: cst.Module,
    located: Located,
    relint: Callable[[cst.Module, str], Located],
    *,
    unsafe_fixes: bool,
) -> FixOutcome:
    """Fix ``module`` pass by pass; ``relint(tree, text)`` lints a fixed tree again."""
    outcome = FixOutcome(module, located)
    for _ in range(MAX_FIX_PASSES):
        fixes = _wanted(outcome.located, unsafe_fixes)
        if not fixes:
            break
        fix_pass = apply_fixes(outcome.module, fixes)
        candidate = fix_pass.module.bytes
        try:
            reparsed = parse(candidate, compiles=not is_notebook(path))
        except Exception as error:  # noqa: BLE001 - refuse, never write broken code
            outcome.warnings.append(
                f"{path}: a fix was not applied because the result would not parse "
                f"({type(error).__name__}); please report this"
            )
            break
        outcome.applied += len(fix_pass.applied)
        outcome.module = reparsed
        outcome.located = relint(reparsed, candidate.decode("utf-8", errors="replace"))
    return outcome


def _wanted(located: Sequence[tuple[Finding, Diagnostic]], unsafe_fixes: bool) -> list[Fix]:
    return [
        diagnostic.fix
        for finding, diagnostic in located
        if diagnostic.fix is not None and finding.fixable(unsafe_fixes)
    ]
