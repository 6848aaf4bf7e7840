"""Text output for people: colour on a terminal, and the ``full`` format's source
snippet (the reported lines, underlined, with the fix's title), as ruff prints them."""

from __future__ import annotations

import enum
import io
import os
import re
import tokenize
from collections.abc import Callable, Sequence
from typing import TextIO

from jaxlint.fix.findings import Finding
from jaxlint.fsio import read_source
from jaxlint.notebook import Notebook, NotebookError, read_notebook
from jaxlint.output.choices import ColorChoice

#: Lines of context shown before and after the reported ones.
CONTEXT_LINES = 2
#: A reported range longer than this shows its first and last lines only.
MAX_RANGE_LINES = 6
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as libcst counts lines

#: The lines of a file's source by path; None when they cannot be had.
SourceLines = Callable[[str], Sequence[str] | None]


def is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def wants_color(choice: ColorChoice, out: TextIO) -> bool:
    if choice is not ColorChoice.AUTO:
        return choice is ColorChoice.ALWAYS
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(out)


class Style(enum.Enum):
    """ANSI styles of the parts of a finding."""

    PATH = "1"  # bold
    PUNCTUATION = "36"  # cyan
    CODE = "1;31"  # bold red
    FIXABLE = "36"
    GUTTER = "1;34"  # bold blue
    UNDERLINE = "1;31"
    HELP = "1;36"


class Painter:
    """Wraps text in ANSI styles, or leaves it as it is."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: Style) -> str:
        if not self.color or not text:
            return text
        return f"\x1b[{style.value}m{text}\x1b[0m"


def file_lines(path: str) -> Sequence[str] | None:
    """The lines of ``path`` as the linter read them (PEP 263 encoding, BOM dropped)."""
    try:
        data = read_source(path)
    except OSError:
        return None
    return source_lines_of(data)


def source_lines_of(data: bytes) -> Sequence[str]:
    """The lines of a source as the linter read it (PEP 263 encoding, BOM dropped)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8-sig", errors="replace")
    return _LINE_BREAK.split(text)


def notebook_in(lines: Sequence[str]) -> Notebook | None:
    """The notebook whose file has ``lines``; None when it is not one (any more)."""
    try:
        return read_notebook("\n".join(lines).encode("utf-8"))
    except NotebookError:
        return None


class Notebooks:
    """The notebooks findings are in, each read once: a notebook finding's lines count
    in its cell, not in the file's JSON."""

    def __init__(self, source_lines: SourceLines) -> None:
        self.source_lines = source_lines
        self._read: dict[str, Notebook | None] = {}

    def of(self, path: str) -> Notebook | None:
        if path not in self._read:
            lines = self.source_lines(path)
            self._read[path] = notebook_in(lines) if lines is not None else None
        return self._read[path]

    def cell_lines(self, finding: Finding) -> Sequence[str] | None:
        """The lines of the finding's code cell; None when the file no longer has it."""
        notebook = self.of(finding.path)
        for cell in notebook.cells if notebook is not None else ():
            if cell.number == finding.cell:
                return _LINE_BREAK.split(cell.source)
        return None

    def file_line(self, finding: Finding) -> int | None:
        """The line of the notebook's file (its JSON) holding the finding's first line."""
        notebook = self.of(finding.path)
        if notebook is None or finding.cell is None:
            return None
        return notebook.file_line(finding.cell, finding.line)


def cached(source_lines: SourceLines) -> SourceLines:
    """``source_lines`` reading each path once."""
    seen: dict[str, Sequence[str] | None] = {}

    def lines(path: str) -> Sequence[str] | None:
        if path not in seen:
            seen[path] = source_lines(path)
        return seen[path]

    return lines


def _shown(text: str) -> str:
    return text.replace("\t", "    ")


def _underline(line: str, start: int, end: int) -> tuple[int, int]:
    """Display offset and width of the characters ``start`` to ``end`` (0-based, end
    exclusive) of ``line``, tabs shown as four spaces; at least one caret."""
    offset = len(_shown(line[:start]))
    width = len(_shown(line[start:end]))
    return offset, max(width, 1)


def snippet(finding: Finding, lines: Sequence[str], paint: Painter) -> list[str]:
    """The ``full`` format's lines under a finding: the reported lines with context,
    a caret under each reported character, and the fix's title."""
    last = len(lines)
    if not 1 <= finding.line <= last:
        return []  # the file changed since, or was never text
    start = finding.line
    end = min(max(finding.end_line, start), last)
    before = max(1, start - CONTEXT_LINES)
    while before < start and not lines[before - 1].strip():
        before += 1
    after = min(last, end + CONTEXT_LINES)
    while after > end and not lines[after - 1].strip():
        after -= 1
    numbers = list(range(before, after + 1))
    if end - start + 1 > MAX_RANGE_LINES:
        keep = MAX_RANGE_LINES // 2
        numbers = [n for n in numbers if n < start + keep or n > end - keep]
    width = len(str(numbers[-1]))
    gutter = paint(" " * width + " |", Style.GUTTER)
    out = [gutter]
    previous = None
    for number in numbers:
        if previous is not None and number != previous + 1:
            out.append(paint(" " * width + " :", Style.GUTTER))
        previous = number
        line = lines[number - 1]
        out.append(f"{paint(f'{number:>{width}} |', Style.GUTTER)} {_shown(line)}".rstrip())
        if not start <= number <= end:
            continue
        first = finding.column - 1 if number == start else len(line) - len(line.lstrip())
        stop = finding.end_column - 1 if number == end else len(line.rstrip())
        offset, carets = _underline(line, first, max(stop, first))
        label = f" {finding.code}" if number == end else ""
        out.append(f"{gutter} {' ' * offset}{paint('^' * carets + label, Style.UNDERLINE)}")
    out.append(gutter)
    if finding.fix is not None:
        out.append(f"{' ' * width} {paint('= help:', Style.HELP)} {finding.fix.message}")
    return out
