"""``--add-noqa``: a ``# noqa: CODE`` comment for every finding, where it silences it.

A comment cannot go at the end of a line that ends inside a string (it would become
part of the string) or after a backslash continuation (a syntax error). Such a line's
comment goes where the string or continuation ends, and a ``# noqa`` there covers every
line of it, as in ruff (see :class:`ContinuationNoqa`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from jaxlint.driver.source import python_parses
from jaxlint.driver.suppression import comment_layout, noqa_codes, noqa_line
from jaxlint.fix.findings import Finding
from jaxlint.notebook import NotebookError, is_notebook, read_notebook


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
