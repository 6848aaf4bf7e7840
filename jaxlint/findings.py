"""Findings: what rules report (a node and a message, maybe a fix) and, once positioned,
what the reporters print."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from jaxlint.fixes import Applicability, Fix

__all__ = ["Applicability", "Diagnostic", "Finding", "Fix"]


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
    #: The notebook cell (1-based, every cell counted) lines are relative to; None for
    #: a Python file. Before ``line`` so that findings sort by cell, then line.
    cell: int | None = field(default=None, kw_only=True)
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str = field(compare=False)
    message: str = field(compare=False)
    fix_available: Applicability | None = field(default=None, compare=False)

    def fixable(self, unsafe_fixes: bool = False) -> bool:
        return self.fix_available is Applicability.SAFE or (
            unsafe_fixes and self.fix_available is Applicability.UNSAFE
        )
