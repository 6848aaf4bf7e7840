"""``--add-noqa``: a ``# noqa: CODE`` comment for every finding, where it silences it.

A comment cannot go at the end of a line that ends inside a string (it would become
part of the string) or after a backslash continuation (a syntax error). Such a line's
comment goes where the string or continuation ends, and a ``# noqa`` there covers every
line of it, as in ruff (see :class:`ContinuationNoqa`).
"""

from __future__ import annotations

import io
import re
import token
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jaxlint.driver.source import python_parses
from jaxlint.driver.suppression import NOQA, noqa_codes
from jaxlint.fix.findings import Finding
from jaxlint.notebook import NotebookError, is_notebook, read_notebook

_FSTRING_START = getattr(token, "FSTRING_START", None)
_FSTRING_END = getattr(token, "FSTRING_END", None)


@dataclass(frozen=True)
class CommentLayout:
    """Where comments are, and where they may go."""

    #: For each 1-based line (index 0 unused), the line whose end may take a comment
    #: that covers it: itself, or where the string or continuation it is in ends.
    targets: list[int]
    #: The column each line's comment starts at (lines with one only).
    comments: dict[int, int]

    def noqa_on(self, line: str, number: int) -> re.Match[str] | None:
        """The ``# noqa`` in line ``number``'s comment, if any."""
        column = self.comments.get(number)
        return None if column is None else NOQA.search(line, column)


def comment_layout(text: str) -> CommentLayout:
    lines = text.splitlines()
    count = len(lines)
    blocked: set[int] = set()  # lines whose end is inside a token, or a continuation
    comments: dict[int, int] = {}
    try:
        starts: list[int] = []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.start[1]
            elif tok.type == _FSTRING_START:
                starts.append(tok.start[0])
            elif tok.type == _FSTRING_END and starts:
                blocked.update(range(starts.pop(), tok.end[0]))
            elif tok.start[0] < tok.end[0] and tok.type not in (tokenize.NL, tokenize.NEWLINE):
                blocked.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass  # what was read so far still holds
    for number, line in enumerate(lines, 1):
        if number not in blocked and number not in comments and line.endswith("\\"):
            blocked.add(number)
    targets = list(range(count + 1))
    following = count
    for number in range(count, 0, -1):
        if number not in blocked:
            following = number
        targets[number] = following
    return CommentLayout(targets, comments)


class ContinuationNoqa:
    """``# noqa`` where a multi-line string or a backslash continuation ends covers each
    of its lines (a comment cannot go on the others). Tokenizes only if needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.possible = "noqa" in text.lower()
        self._layout: CommentLayout | None = None
        self._lines: list[str] = []

    def silences(self, finding: Finding) -> bool:
        """Whether such a ``# noqa`` silences ``finding`` (its own first and last lines
        are :func:`jaxlint.driver.suppression.suppressed`'s to check)."""
        if not self.possible:
            return False
        if self._layout is None:
            self._layout = comment_layout(self.text)
            self._lines = self.text.splitlines()
        targets = self._layout.targets
        for line_number in {finding.line, finding.end_line}:
            if not 0 < line_number < len(targets):
                continue
            target = targets[line_number]
            if target == line_number or not 0 < target <= len(self._lines):
                continue
            match = self._layout.noqa_on(self._lines[target - 1], target)
            if match is None:
                continue
            codes = match.group("codes")
            if codes is None or any(finding.code.startswith(code) for code in noqa_codes(codes)):
                return True
        return False


def noqa_line(finding: Finding, targets: Sequence[int]) -> int:
    """Where the finding's ``# noqa`` goes: its first line if a comment fits there, else
    its last line, else where the string or continuation holding its last line ends."""
    for line_number in (finding.line, finding.end_line):
        if 0 < line_number < len(targets) and targets[line_number] == line_number:
            return line_number
    end = finding.end_line
    return targets[end] if 0 < end < len(targets) else end


@dataclass(frozen=True)
class NoqaEdit:
    text: str
    added: int  # codes added (ruff's "Added N noqa directives")


def with_noqa(text: str, findings: Sequence[Finding]) -> NoqaEdit:
    """``text`` with ``# noqa: CODES`` for ``findings`` (lines and columns of ``text``),
    merged into a ``# noqa`` the line already has."""
    layout = comment_layout(text)
    targets = layout.targets
    wanted: dict[int, list[str]] = {}
    for finding in findings:
        codes = wanted.setdefault(noqa_line(finding, targets), [])
        if finding.code not in codes:
            codes.append(finding.code)
    lines = text.splitlines(keepends=True)
    added = 0
    for number, codes in wanted.items():
        if not 0 < number <= len(lines):
            continue
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        newline = line[len(body) :]
        match = layout.noqa_on(body, number)
        if match is not None:
            present = match.group("codes")
            if present is None:
                continue  # a bare noqa silences everything already
            have = noqa_codes(present)
            new = [code for code in codes if code not in have]
            if not new:
                continue
            merged = "# noqa: " + ", ".join([*have, *new])
            body = body[: match.start()] + merged + body[match.end() :]
            added += len(new)
        else:
            body = body.rstrip() + "  # noqa: " + ", ".join(codes)
            added += len(codes)
        lines[number - 1] = body + newline
    return NoqaEdit("".join(lines), added)


@dataclass(frozen=True)
class NoqaOutcome:
    source: bytes | None  # the new content; None when nothing was added
    added: int
    problem: str | None = None  # why nothing could be added (a warning)


def add_noqa_to_source(path: str, source: bytes, findings: Sequence[Finding]) -> NoqaOutcome:
    """``source`` (a Python file or a notebook) with a ``# noqa`` for each finding.
    Syntax errors (JL000) cannot be silenced that way and are left alone."""
    findings = [finding for finding in findings if finding.code != "JL000"]
    if not findings:
        return NoqaOutcome(None, 0)
    if is_notebook(path):
        return _add_noqa_to_notebook(source, findings)
    bom = b"\xef\xbb\xbf" if source.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = source[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        return NoqaOutcome(None, 0, "not UTF-8: no noqa comments added")
    edit = with_noqa(text, findings)
    if not edit.added:
        return NoqaOutcome(None, 0)
    new = bom + edit.text.encode("utf-8")
    if python_parses(source) and not python_parses(new):
        return NoqaOutcome(None, 0, "adding noqa comments would break the file; please report")
    return NoqaOutcome(new, edit.added)


def _add_noqa_to_notebook(source: bytes, findings: Sequence[Finding]) -> NoqaOutcome:
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        return NoqaOutcome(None, 0, str(error))
    if notebook is None:
        return NoqaOutcome(None, 0)
    in_module = [
        replace(
            finding,
            cell=None,
            line=notebook.module_line(finding.cell, finding.line),
            end_line=notebook.module_line(finding.cell, finding.end_line),
        )
        for finding in findings
        if finding.cell is not None
    ]
    edit = with_noqa(notebook.module, in_module)
    if not edit.added:
        return NoqaOutcome(None, 0)
    try:
        return NoqaOutcome(notebook.with_module(edit.text), edit.added)
    except NotebookError as error:
        return NoqaOutcome(None, 0, f"no noqa comments added ({error})")
