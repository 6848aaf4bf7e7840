"""What the user silenced: ``# jaxlint: skip-file`` and ``# noqa`` comments, and where a
comment may go (the layout ``--add-noqa`` and the editor write by).

Only real comments count: the same words inside a string literal silence nothing. The
tokenizer says which ``#`` starts a comment; it runs only on sources where a plain text
search already found the marker, so the many files without one pay nothing.
"""

from __future__ import annotations

import io
import re
import token
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from jaxlint.fix.findings import Finding

SKIP_FILE = re.compile(r"#\s*jaxlint:\s*skip-file", re.IGNORECASE)
#: A bare noqa comment, or one listing codes after a colon, by commas or spaces.
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
#: A file-level noqa, as ruff reads its own (``ruff:`` then ``noqa``) and flake8's:
#: bare, it silences every code in the file; with codes, those codes.
FILE_NOQA = re.compile(
    r"#\s*(?:jaxlint|flake8)\s*:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


def comments(text: str) -> dict[int, str] | None:
    """The comment of each line that has one (1-based line numbers), or None when the
    source does not tokenize (the caller then falls back to the plain text)."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return None
    return found


def _physical_lines(text: str) -> dict[int, str]:
    return dict(enumerate(text.split("\n"), 1))


def skips_file(text: str) -> bool:
    """Whether a comment asks not to lint the file at all."""
    if SKIP_FILE.search(text) is None:
        return False
    found = comments(text)
    if found is None:  # not Python enough to tokenize: the text search decides
        return True
    return any(SKIP_FILE.search(comment) for comment in found.values())


@dataclass(frozen=True)
class NoqaComment:
    """One ``# noqa``: ``codes`` are the codes or code prefixes it lists (matched as
    flake8 does: ``JL00`` silences JL001 to JL009); a bare ``# noqa`` lists none and
    silences every code."""

    codes: tuple[str, ...]

    def silences(self, code: str) -> bool:
        return not self.codes or code.startswith(self.codes)


def noqa_codes(listed: str) -> tuple[str, ...]:
    """``"JL001, jl004"`` -> ``("JL001", "JL004")``: the codes a ``# noqa:`` lists."""
    return tuple(code.upper() for code in _CODE.findall(listed))


def noqa_comments(text: str) -> dict[int, NoqaComment]:
    """The ``# noqa`` comments of a source, by line."""
    if NOQA.search(text) is None:
        return {}  # the common case: no tokenizing
    found = comments(text)
    lines = _physical_lines(text) if found is None else found
    noqa: dict[int, NoqaComment] = {}
    for number, line in lines.items():
        match = NOQA.search(line)
        if match is None:
            continue
        listed = match.group("codes")
        noqa[number] = NoqaComment(noqa_codes(listed) if listed else ())
    return noqa


def file_noqa(text: str) -> NoqaComment | None:
    """What the file-level noqa comments of a source silence everywhere in it (None:
    there are none). A bare one wins over those listing codes."""
    if FILE_NOQA.search(text) is None:
        return None  # the common case: no tokenizing
    found = comments(text)
    lines = _physical_lines(text) if found is None else found
    codes: list[str] = []
    for line in lines.values():
        for match in FILE_NOQA.finditer(line):
            listed = match.group("codes")
            if not listed:
                return NoqaComment(())
            codes.extend(noqa_codes(listed))
    return NoqaComment(tuple(codes)) if codes else None


def suppressed(noqa: dict[int, NoqaComment], finding: Finding) -> bool:
    """Whether a ``# noqa`` comment on the finding's first or last line silences it."""
    return any(
        comment is not None and comment.silences(finding.code)
        for comment in (noqa.get(finding.line), noqa.get(finding.end_line))
    )


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
