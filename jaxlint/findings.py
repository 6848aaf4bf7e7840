"""Findings and fixes: what rules report and what ``--fix`` applies."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst


@dataclass(frozen=True, eq=False)
class Fix:
    """Replace nodes of the tree, by identity. Safe fixes keep the program's meaning
    wherever the original could run; unsafe ones may change it (each rule says how)."""

    description: str
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...]
    safe: bool = True


@dataclass(frozen=True, eq=False)
class Diagnostic:
    """A finding as a rule reports it: attached to a node, positions not yet known."""

    code: str
    node: cst.CSTNode
    message: str
    fix: Fix | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """A finding with its position (1-based lines and columns), ready to report."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str = field(compare=False)
    message: str = field(compare=False)
    fix_available: str = field(default="", compare=False)  # "", "safe" or "unsafe"

    def fixable(self, unsafe_fixes: bool = False) -> bool:
        return self.fix_available == "safe" or (unsafe_fixes and self.fix_available == "unsafe")
