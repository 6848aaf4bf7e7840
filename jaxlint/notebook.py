"""Jupyter notebooks: their code cells as one Python module, and back.

A notebook's code cells run in one namespace, in order, so they are linted as one
module: the cells' sources joined, a boundary comment line between two cells. IPython
syntax (``%magic``, ``!shell``, ``x = !cmd``, ``obj?`` help, and cells under a cell
magic such as ``%%bash``) is masked line by line with tagged placeholders, so every
line keeps its number and nothing is reported on it; a cell indented as a whole, which
IPython dedents before running it, becomes the block of an ``if True:`` written on the
boundary line above it, so it parses with its lines and columns as they are. Findings
are then moved to
``cell N``, line L of that cell (N counts every cell of the notebook, markdown too, as
editors number them).

``--fix`` and ``--add-noqa`` edit the module; :meth:`Notebook.with_module` splits it
back into cells, restores the masked lines, and replaces the ``source`` value of each
changed cell in the original JSON text, so outputs, metadata, execution counts and the
file's formatting stay byte for byte as they were. Only the standard library's
:mod:`json` is needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from json.decoder import scanstring
from typing import Any

from jaxlint.facts.ipython import automagic_cell
from jaxlint.fix.findings import Finding

NOTEBOOK_SUFFIX = ".ipynb"
#: The comment line between two cells in the module (never in a cell: see ``_tokens_free``).
BOUNDARY = "#jaxlint-cell-boundary"
#: Masked IPython lines become ``pass  #jaxlint-magic:K`` (or only the comment).
MAGIC_TAG = "#jaxlint-magic:"
#: Cell magics whose body is Python: only their first line is masked.
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "debug", "prun", "python", "python3", "pypy"}
)

#: Opens the boundary line before a cell that IPython dedents as a whole (see
#: ``_dedented_by_ipython``): the cell's lines become that block, each line and column
#: kept as it is in the cell.
INDENTED_CELL_HEADER = "if True:  "
_BOUNDARY_LINE = re.compile(
    rf"^(?:{re.escape(INDENTED_CELL_HEADER)})?{re.escape(BOUNDARY)}\n", re.MULTILINE
)
_PLACEHOLDER = re.compile(rf"^[ \t]*(?:pass  )?{re.escape(MAGIC_TAG)}(\d+)$")
#: ``files = !ls``, ``t = %timeit -o f()``: assignment from a line magic or shell.
_MAGIC_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_][\w.\[\], ]*=\s*[%!]")


class NotebookError(Exception):
    """The file is not a notebook jaxlint can read; the message says why (a JL000)."""


def is_notebook(path: str) -> bool:
    return path.endswith(NOTEBOOK_SUFFIX)


# --------------------------------------------------------------------------- JSON spans


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    assert match is not None
    return match.end()


def _members(text: str, position: int) -> Iterator[tuple[str, int, int]]:
    """(key, value start, value end) of the JSON object starting at ``position``."""
    position = _skip(text, position + 1)
    if text[position] == "}":
        return
    while True:
        key, position = scanstring(text, position + 1)
        position = _skip(text, _skip(text, position) + 1)  # past the colon
        end = _value_end(text, position)
        yield key, position, end
        position = _skip(text, end)
        if text[position] != ",":
            return
        position = _skip(text, position + 1)


def _items(text: str, position: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the JSON array starting at ``position``."""
    position = _skip(text, position + 1)
    if text[position] == "]":
        return
    while True:
        end = _value_end(text, position)
        yield position, end
        position = _skip(text, end)
        if text[position] != ",":
            return
        position = _skip(text, position + 1)


#: What changes the nesting inside a JSON container: a string opening, or a bracket.
_CONTAINER_TOKEN = re.compile(r'["{}\[\]]')


def _value_end(text: str, position: int) -> int:
    first = text[position]
    if first == '"':
        return scanstring(text, position + 1)[1]
    if first in "{[":
        # A loop over brackets, not recursion: metadata nested as deep as json.loads
        # accepts must not stop a fix from being written.
        depth = 0
        while True:
            match = _CONTAINER_TOKEN.search(text, position)
            if match is None:
                raise NotebookError(f"unclosed bracket at offset {position}")
            token, position = match.group(), match.end()
            if token == '"':
                position = scanstring(text, position)[1]
            elif token in "{[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return position
    for literal in ("true", "false", "null"):
        if text.startswith(literal, position):
            return position + len(literal)
    match = _NUMBER.match(text, position)
    if match is None:
        raise NotebookError(f"unexpected character at offset {position}")
    return match.end()


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """The text span of each cell's ``source`` value, by cell index (0-based)."""
    spans: dict[int, tuple[int, int]] = {}
    start = _skip(text, 0)
    for key, value_start, _ in _members(text, start):
        if key != "cells":
            continue
        spans = {}  # a repeated key: json.loads keeps the last one, and so do we
        for index, (cell_start, _) in enumerate(_items(text, value_start)):
            for cell_key, source_start, source_end in _members(text, cell_start):
                if cell_key == "source":
                    spans[index] = (source_start, source_end)
    return spans


# --------------------------------------------------------------------------- masking


@dataclass
class _LineState:
    quote: str | None = None  # the open string's quotes, when a line ends inside one
    depth: int = 0  # open brackets
    continued: bool = False  # a backslash continuation

    def at_statement_start(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.continued


def _scan(line: str, state: _LineState) -> str:
    """Advance ``state`` over ``line``; returns the line's code with strings and the
    comment blanked (for recognising IPython syntax outside them)."""
    code: list[str] = []
    index = 0
    commented = False
    body = line.rstrip("\r\n")
    while index < len(body):
        if state.quote is not None:
            if body.startswith(state.quote, index):
                index += len(state.quote)
                state.quote = None
                code.append(" ")
            else:
                index += 2 if body[index] == "\\" else 1
            continue
        char = body[index]
        if char == "#":
            commented = True
            break
        if char in "\"'":
            quote = char * 3 if body.startswith(char * 3, index) else char
            state.quote = quote
            index += len(quote)
            code.append(" ")
            continue
        if char in "([{":
            state.depth += 1
        elif char in ")]}":
            state.depth = max(0, state.depth - 1)
        code.append(char)
        index += 1
    if state.quote is not None and len(state.quote) == 1:
        state.quote = None  # an unterminated string: the parser reports it
    state.continued = state.quote is None and not commented and body.endswith("\\")
    return "".join(code)


def _is_ipython(code: str) -> bool:
    stripped = code.strip()
    if not stripped:
        return False
    return (
        stripped[0] in "%!?" or stripped.endswith("?") or _MAGIC_ASSIGNMENT.match(code) is not None
    )


def _code_line(line: str) -> bool:
    """Neither blank nor only a comment."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _dedented_by_ipython(masked: str) -> bool:
    """IPython strips the indentation of a cell's first non-blank line from every line
    that starts with it (``leading_indent``): a cell indented as a whole runs. True when
    that makes the cell's first code line start a block of its own."""
    lines = [line for line in masked.splitlines() if line.strip()]
    if not lines:
        return False
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" \t"))]
    code = next((line for line in lines if _code_line(line)), None)
    return bool(indent) and code is not None and code.startswith(indent)


def _split_newline(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


@dataclass
class _Masker:
    """Masks IPython lines, remembering each original by its tag number."""

    originals: list[str] = field(default_factory=list)

    def _placeholder(self, line: str, statement: bool) -> str:
        body, newline = _split_newline(line)
        self.originals.append(body)
        tag = f"{MAGIC_TAG}{len(self.originals) - 1}"
        if not statement:
            return tag + newline
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        return f"{indent}pass  {tag}{newline}"

    def mask(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        if not lines:
            return source
        if automagic_cell(source):
            return "".join(
                self._placeholder(line, True) if _code_line(line) else line for line in lines
            )
        out: list[str] = []
        # The cell magic opens the cell; Colab also takes it after the comment lines of
        # a form (`# @title ...`).
        opening = next((i for i, line in enumerate(lines) if _code_line(line)), 0)
        first = lines[opening].lstrip()
        if first.startswith("%%"):
            magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
            if magic not in PYTHON_CELL_MAGICS:
                return "".join(self._placeholder(line, False) for line in lines)
            out += lines[:opening]
            out.append(self._placeholder(lines[opening], False))
            lines = lines[opening + 1 :]
        state = _LineState()
        magic_continues = False
        for line in lines:
            if magic_continues:
                out.append(self._placeholder(line, False))
                magic_continues = line.rstrip("\r\n").endswith("\\")
                continue
            at_start = state.at_statement_start()
            probe = _LineState(state.quote, state.depth, state.continued)
            code = _scan(line, probe)
            if at_start and _is_ipython(code):
                out.append(self._placeholder(line, True))
                magic_continues = line.rstrip("\r\n").endswith("\\")
                continue
            state = probe
            out.append(line)
        return "".join(out)

    def restore(self, masked: str, used: set[int]) -> str:
        out: list[str] = []
        for line in masked.splitlines(keepends=True):
            body, newline = _split_newline(line)
            match = _PLACEHOLDER.match(body)
            if match is None:
                out.append(line)
                continue
            tag = int(match.group(1))
            if tag >= len(self.originals) or tag in used:
                raise NotebookError("an IPython line was duplicated by an edit")
            used.add(tag)
            out.append(self.originals[tag] + newline)
        return "".join(out)


# --------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class CodeCell:
    number: int  # 1-based, counting every cell of the notebook
    source: str
    form: str | list[str]  # the JSON value as stored: one string, or a list of lines


@dataclass
class Notebook:
    """A notebook read from its bytes: the code cells, and the module they make."""

    text: str
    cells: list[CodeCell]
    module: str
    #: For each line of the module (0-based), (cell number, line in that cell), or None
    #: for a boundary line.
    line_map: list[tuple[int, int] | None]
    masker: _Masker
    bom: str  # a byte order mark the file starts with, kept on rewrite
    #: Whether the cells' text is free of the boundary and placeholder markers (if not,
    #: the module cannot be split back, and fixes are refused).
    splittable: bool = True
    _first_lines: dict[int, int] = field(default_factory=dict)

    def cell_position(self, module_line: int) -> tuple[int, int]:
        """(cell number, line in the cell) of a 1-based module line."""
        index = min(max(module_line, 1), len(self.line_map)) - 1 if self.line_map else 0
        while index > 0 and self.line_map[index] is None:
            index -= 1  # a boundary line: the end of the cell above
        where = self.line_map[index] if self.line_map else None
        if where is None:
            return (self.cells[0].number if self.cells else 1), 1
        return where

    def cell_number(self, module_line: int) -> int:
        """The number of the cell a 1-based module line is in."""
        return self.cell_position(module_line)[0]

    def line_name(self, module_line: int) -> str:
        """How a message cites a module line: ``cell 3, line 4``."""
        cell, line = self.cell_position(module_line)
        return f"cell {cell}, line {line}"

    def file_line(self, cell: int, line: int) -> int | None:
        """The 1-based line of the notebook's file (its JSON) that holds ``line`` of
        cell ``cell``: a list-form source keeps each line in its own JSON string, a
        one-string source on one line. None when the cell has no such line."""
        span = _source_spans(self.text).get(cell - 1)
        if span is None or line < 1:
            return None
        start = span[0]
        if self.text[start] == "[":
            items = list(_items(self.text, start))
            if line > len(items):
                return None
            start = items[line - 1][0]
        return self.text.count("\n", 0, start) + 1

    def module_line(self, cell: int, line: int) -> int:
        """The 1-based module line of ``line`` in cell ``cell``."""
        return self._first_lines[cell] + line - 1

    def with_module(self, module: str) -> bytes:
        """The notebook's bytes with the cells' sources taken from an edited module."""
        if not self.splittable:
            raise NotebookError("a cell contains jaxlint's own marker text")
        parts = _BOUNDARY_LINE.split(module)
        if len(parts) != len(self.cells):
            raise NotebookError("an edit moved a cell boundary")
        used: set[int] = set()
        replacements: list[tuple[int, int, str]] = []
        spans = _source_spans(self.text)
        for cell, part in zip(self.cells, parts, strict=True):
            new = self.masker.restore(part, used)
            if not cell.source.endswith("\n") and new.endswith("\n"):
                new = new[:-1]  # the newline the module added after the cell
            if new == cell.source:
                continue
            start, end = spans[cell.number - 1]
            replacements.append((start, end, _encode_source(self.text, start, end, cell, new)))
        if len(used) != len(self.masker.originals):
            raise NotebookError("an edit removed an IPython line")
        text = self.text
        for start, end, value in sorted(replacements, reverse=True):
            text = text[:start] + value + text[end:]
        return (self.bom + text).encode("utf-8")


def _ensure_ascii(text: str) -> bool:
    """Whether the file escapes non-ASCII characters (``\\u00e9``), as ``json.dump``'s
    default does; Jupyter writes them as they are."""
    if any(ord(char) > 127 for char in text):
        return False
    return re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", text) is not None


def _encode_source(text: str, start: int, end: int, cell: CodeCell, new: str) -> str:
    """The JSON text of a cell's new source, in the style of the old one: lines the cell
    already had keep their exact JSON text, new lines are encoded as the file encodes."""
    ascii_only = _ensure_ascii(text)
    if isinstance(cell.form, str):
        return json.dumps(new, ensure_ascii=ascii_only)
    spans = list(_items(text, start))
    known = dict(zip(cell.form, (text[a:b] for a, b in spans), strict=True))
    lines = new.splitlines(keepends=True)
    encoded = [known.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in lines]
    original = text[start:end]
    if not encoded:
        return "[]"
    if spans:
        opening = text[start + 1 : spans[0][0]]  # e.g. "\n    "
        closing = text[spans[-1][1] : end - 1]  # e.g. "\n   "
        if len(spans) > 1:
            separator = text[spans[0][1] : spans[1][0]]
        else:
            separator = "," + opening if "\n" in opening else ", "
        return "[" + opening + separator.join(encoded) + closing + "]"
    # An empty list before: indent one level deeper than the line holding ``"source"``.
    line_start = text.rfind("\n", 0, start) + 1
    indent = re.match(r"[ \t]*", text[line_start:start])
    outer = indent.group(0) if indent else ""
    step = _indent_step(text)
    if step is None or original.strip() != "[]":
        return json.dumps(lines, ensure_ascii=ascii_only)
    inner = "\n" + outer + step
    return "[" + inner + ("," + inner).join(encoded) + "\n" + outer + "]"


def _indent_step(text: str) -> str | None:
    """The file's indentation unit (Jupyter writes one space), None if on one line."""
    match = re.search(r"\n([ \t]+)\S", text)
    return match.group(1) if match else None


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def read_notebook(source: bytes) -> Notebook | None:
    """The notebook in ``source``; None when its kernel is not Python (nothing to lint).
    :class:`NotebookError` when it cannot be read as a notebook."""
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(
            f"cannot decode notebook: {error.reason} at byte {error.start}"
        ) from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom) :]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"malformed notebook: invalid JSON at line {error.lineno} column {error.colno}: "
            f"{error.msg}"
        ) from None
    except RecursionError:
        raise NotebookError("malformed notebook: JSON nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("malformed notebook: no list of `cells` at the top level")
    metadata = data.get("metadata")
    language = None
    if isinstance(metadata, dict):
        info = metadata.get("language_info")
        if isinstance(info, dict) and isinstance(info.get("name"), str):
            language = info["name"].lower()
    if language is not None and language != "python":
        return None
    cells: list[CodeCell] = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"malformed notebook: cell {index + 1} has no `cell_type`")
        if cell["cell_type"] != "code":
            continue
        value = cell.get("source", "")
        if isinstance(value, str):
            cell_source = value
        elif _string_list(value):
            cell_source = "".join(value)
        else:
            raise NotebookError(f"malformed notebook: the source of cell {index + 1} is not text")
        _refuse_surrogates(index + 1, cell_source)
        cells.append(
            CodeCell(index + 1, cell_source, value if isinstance(value, str) else list(value))
        )
    return _assemble(text, cells, bom)


def _refuse_surrogates(number: int, cell_source: str) -> None:
    """JSON's ``\\ud800`` escapes decode to lone surrogates, which are no text: Python
    cannot compile such a cell (UnicodeEncodeError), nor could a fix be written back."""
    try:
        cell_source.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(cell_source[error.start])
        raise NotebookError(
            f"malformed notebook: cell {number} contains a lone surrogate (U+{code:04X}), "
            "which is not text"
        ) from None


def _assemble(text: str, cells: list[CodeCell], bom: str) -> Notebook:
    masker = _Masker()
    parts: list[str] = []
    line_map: list[tuple[int, int] | None] = []
    first_lines: dict[int, int] = {}
    splittable = True
    for position, cell in enumerate(cells):
        if BOUNDARY in cell.source or MAGIC_TAG in cell.source:
            splittable = False
        masked = masker.mask(cell.source)
        if position:
            # A cell IPython dedents is the block of an `if True:` on the boundary line
            # (the first cell has none: it stays as written).
            header = INDENTED_CELL_HEADER if _dedented_by_ipython(masked) else ""
            parts.append(header + BOUNDARY + "\n")
            line_map.append(None)
        if masked and not masked.endswith("\n"):
            masked += "\n"
        first_lines[cell.number] = len(line_map) + 1
        line_count = len(masked.splitlines())
        line_map.extend((cell.number, line) for line in range(1, line_count + 1))
        parts.append(masked)
    return Notebook(text, cells, "".join(parts), line_map, masker, bom, splittable, first_lines)


# --------------------------------------------------------------------------- positions


def in_cells(notebook: Notebook, finding: Finding) -> Finding:
    cell, line = notebook.cell_position(finding.line)
    end_cell, end_line = notebook.cell_position(finding.end_line)
    end_column = finding.end_column
    if end_cell != cell:  # runs past its cell (only in code Jupyter cannot run)
        end_line, end_column = line, finding.column
    fix = finding.fix
    if fix is not None and fix.edits:
        # Edits count lines in the finding's cell, as the finding does; a fix that edits
        # another cell too (an import added in the first) has no edits to show.
        moved = []
        for edit in fix.edits:
            start, end = notebook.cell_position(edit.line), notebook.cell_position(edit.end_line)
            if start[0] != cell or end[0] != cell:
                moved = []
                break
            moved.append(replace(edit, line=start[1], end_line=end[1]))
        fix = replace(fix, edits=tuple(moved))
    return replace(finding, cell=cell, line=line, end_line=end_line, end_column=end_column, fix=fix)


def changed_cells(before: bytes, after: bytes) -> list[tuple[int, str, str]] | None:
    """(cell number, old source, new source) of each code cell a fix changed; None when
    the two are not the same notebook's cells (then only a diff of the files can say).
    A cell's source gets a final newline when it has text, so that diffs end lines."""
    old, new = module_of(before), module_of(after)
    if old is None or new is None:
        return None
    if [cell.number for cell in old.cells] != [cell.number for cell in new.cells]:
        return None
    return [
        (cell.number, _ended(cell.source), _ended(edited.source))
        for cell, edited in zip(old.cells, new.cells, strict=True)
        if cell.source != edited.source
    ]


def _ended(source: str) -> str:
    return source + "\n" if source and not source.endswith("\n") else source


def module_of(source: bytes) -> Notebook | None:
    """The notebook in ``source`` for tools that edit its module (``--add-noqa``); None
    when it cannot be read or is not Python."""
    try:
        return read_notebook(source)
    except NotebookError:
        return None
