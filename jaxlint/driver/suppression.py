"""What the user silenced: ``# jaxlint: skip-file`` and ``# noqa`` comments.

Only real comments count: the same words inside a string literal silence nothing. The
tokenizer says which ``#`` starts a comment; it runs only on sources where a plain text
search already found the marker, so the many files without one pay nothing.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from jaxlint.fix.findings import Finding

SKIP_FILE = re.compile(r"#\s*jaxlint:\s*skip-file", re.IGNORECASE)
#: A bare noqa comment, or one listing codes after a colon, by commas or spaces.
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


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


def suppressed(noqa: dict[int, NoqaComment], finding: Finding) -> bool:
    """Whether a ``# noqa`` comment on the finding's first or last line silences it."""
    return any(
        comment is not None and comment.silences(finding.code)
        for comment in (noqa.get(finding.line), noqa.get(finding.end_line))
    )
