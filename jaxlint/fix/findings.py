"""Findings: what rules report (a node and a message, maybe a fix) and, once positioned,
what the reporters print."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jaxlint.fix.suggestions import Applicability, FixSuggestion, TextEdit

if TYPE_CHECKING:
    # Diagnostics hold libcst nodes; findings, which a cached run reads, do not.
    import libcst as cst

    from jaxlint.fix.edits import Fix

__all__ = [
    "Applicability",
    "Diagnostic",
    "Finding",
    "Fix",
    "FixSuggestion",
    "TextEdit",
    "UnsafeFixes",
    "documentation_command",
    "single_line",
]


def __getattr__(name: str) -> Any:
    if name == "Fix":  # re-exported, loaded with libcst on first use
        from jaxlint.fix.edits import Fix

        return Fix
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Whether unsafe fixes are on: for every file (a bool), or for the file at a path (each
#: file's configuration decides, as ruff resolves ``unsafe-fixes``).
UnsafeFixes = bool | Callable[[str], bool]

_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")


def single_line(text: str) -> str:
    """``text`` on one line: each line break and the indentation after it become one
    space (none just inside a bracket), so that a message quoting multi-line code keeps
    the text output at one finding per line."""
    if "\n" not in text and "\r" not in text:
        return text

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if (before and before in "([{") or (after and after in ")]}") else " "

    return _LINE_BREAK.sub(join, text).strip()


def documentation_command(code: str) -> str:
    """Where a finding's rule is documented: the command that prints it (there is no web
    page yet)."""
    return f"jaxlint rule {code}"


@dataclass(frozen=True, eq=False)
class Diagnostic:
    """A finding as a rule reports it: attached to a node, positions not yet known."""

    code: str
    node: cst.CSTNode
    message: str
    fix: Fix | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """A finding with its position (1-based lines and columns), ready to report.
    ``fix``: the fix this run may apply (None when there is none, or the configuration
    makes the rule unfixable), with its edits as text."""

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
    fix: FixSuggestion | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", single_line(self.message))
        if self.fix is not None and self.fix.message != single_line(self.fix.message):
            fix = FixSuggestion(
                self.fix.applicability, single_line(self.fix.message), self.fix.edits
            )
            object.__setattr__(self, "fix", fix)

    @property
    def fix_available(self) -> Applicability | None:
        return self.fix.applicability if self.fix is not None else None

    def unsafe_fixes_on(self, unsafe_fixes: UnsafeFixes) -> bool:
        """Whether ``unsafe_fixes`` turns unsafe fixes on in this finding's file."""
        return unsafe_fixes if isinstance(unsafe_fixes, bool) else unsafe_fixes(self.path)

    def fixable(self, unsafe_fixes: UnsafeFixes = False) -> bool:
        if self.fix_available is Applicability.SAFE:
            return True
        return self.fix_available is Applicability.UNSAFE and self.unsafe_fixes_on(unsafe_fixes)
