"""Fixes as reporters and the cache hold them: how safe, a title, and edits as text.

Apart from :mod:`jaxlint.fix.edits` (which makes them from libcst trees), so that a run
served from the cache reads and prints findings without importing libcst.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Applicability(enum.Enum):
    """Safe fixes keep the program's meaning wherever the original could run; unsafe
    ones may change it (each rule says how) and need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from ``line:column`` up to, not including, ``end_line:end_column``
    with ``content`` (1-based; columns count characters). An empty range inserts."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class FixSuggestion:
    """A fix as reporters give it: how safe, its title, and its edits as text."""

    applicability: Applicability
    message: str
    edits: tuple[TextEdit, ...]

    def as_json(self) -> dict[str, Any]:
        """The ``fix`` of a JSON finding, shaped as ruff's."""
        return {
            "applicability": self.applicability.value,
            "message": self.message,
            "edits": [
                {
                    "location": {"line": edit.line, "column": edit.column},
                    "end_location": {"line": edit.end_line, "column": edit.end_column},
                    "content": edit.content,
                }
                for edit in self.edits
            ],
        }
