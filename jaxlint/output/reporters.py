"""Output formats: text (ruff-like: concise, or full with source snippets), json,
github annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from jaxlint._version import __version__
from jaxlint.fix.findings import Applicability, Finding, UnsafeFixes, documentation_command
from jaxlint.output.choices import ColorChoice, OutputFormat
from jaxlint.output.snippets import (
    Notebooks,
    Painter,
    SourceLines,
    Style,
    cached,
    file_lines,
    is_terminal,
    snippet,
    wants_color,
)

#: Where the project lives, for SARIF's ``informationUri``: its PyPI page under the
#: distribution name (``jaxlint`` on PyPI is an unrelated project, and the repository URL
#: is not settled: the README's pre-commit section marks it as a placeholder).
PROJECT_URI = "https://pypi.org/project/jaxlint-purity/"
#: The SARIF base every artifact URI is relative to: the project root.
SOURCE_ROOT = "%SRCROOT%"


def report(
    findings: Sequence[Finding],
    output_format: OutputFormat | str,
    out: TextIO,
    *,
    unsafe_fixes: UnsafeFixes = False,
    fixed: int = 0,
    root: str | None = None,
    color: ColorChoice = ColorChoice.AUTO,
    source_lines: SourceLines = file_lines,
    fingerprints: Sequence[str] | None = None,
    summary: bool = True,
) -> None:
    """``root`` is the project root, which SARIF's artifact URIs are relative to;
    ``source_lines(path)``, the lines the ``full`` format quotes; ``fingerprints`` (one
    per finding, see :mod:`jaxlint.run.baseline`) go into SARIF; without ``summary``
    (``--quiet``), text output is the findings alone."""
    output_format = OutputFormat(output_format)
    if output_format is OutputFormat.JSON:
        write_json(findings, out, unsafe_fixes)
    elif output_format is OutputFormat.GITHUB:
        write_github(findings, out, Notebooks(cached(source_lines)))
    elif output_format is OutputFormat.SARIF:
        write_sarif(findings, out, root, fingerprints, Notebooks(cached(source_lines)))
    else:
        full = output_format is OutputFormat.FULL or (
            output_format is OutputFormat.TEXT and is_terminal(out)
        )
        write_text(
            findings,
            out,
            unsafe_fixes=unsafe_fixes,
            fixed=fixed,
            summary=summary,
            paint=Painter(wants_color(color, out)),
            source_lines=cached(source_lines) if full else None,
        )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def write_text(
    findings: Sequence[Finding],
    out: TextIO,
    *,
    unsafe_fixes: UnsafeFixes = False,
    fixed: int = 0,
    paint: Painter | None = None,
    source_lines: SourceLines | None = None,
    summary: bool = True,
) -> None:
    """One line a finding; with ``source_lines`` (the full format), each followed by its
    source snippet and a blank line; then, with ``summary``, the counts."""
    paint = paint or Painter(False)
    notebooks = Notebooks(source_lines) if source_lines is not None else None
    for finding in findings:
        mark = " " + paint("[*]", Style.FIXABLE) if finding.fixable(unsafe_fixes) else ""
        colon = paint(":", Style.PUNCTUATION)
        cell = f"cell {finding.cell}{colon}" if finding.cell is not None else ""
        out.write(
            f"{paint(finding.path, Style.PATH)}{colon}{cell}{finding.line}{colon}"
            f"{finding.column}{colon} {paint(finding.code, Style.CODE)}{mark} {finding.message}\n"
        )
        if source_lines is not None:
            lines = (
                source_lines(finding.path)
                if finding.cell is None or notebooks is None
                else notebooks.cell_lines(finding)  # the cell's lines, not the JSON's
            )
            shown = snippet(finding, lines, paint) if lines is not None else []
            out.writelines(line + "\n" for line in shown)
            out.write("\n")
    if not summary:
        return
    fixable = sum(1 for finding in findings if finding.fixable(unsafe_fixes))
    hidden = sum(
        1
        for f in findings
        if f.fix_available is Applicability.UNSAFE and not f.unsafe_fixes_on(unsafe_fixes)
    )
    if findings or fixed:
        total = len(findings) + fixed  # what was found: fixed now, or left to report
        summary = f"Found {plural(total, 'problem')}"
        if fixed:
            summary += f" ({fixed} fixed, {len(findings)} remaining)"
        if fixable:
            summary += f" ({fixable} fixable with --fix)"
        out.write(summary + ".\n")
        if hidden:
            fixes = plural(hidden, "hidden fix", "hidden fixes")
            out.write(f"({fixes} can be enabled with --unsafe-fixes.)\n")
    else:
        out.write("All checks passed!\n")


def as_json(finding: Finding, unsafe_fixes: UnsafeFixes = False) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "fixable": finding.fixable(unsafe_fixes),
        "fix": finding.fix.as_json() if finding.fix is not None else None,
        "doc": documentation_command(finding.code),
    }
    if finding.cell is not None:  # a notebook's: lines count from the cell's first
        entry["cell"] = finding.cell
    return entry


def write_json(findings: Sequence[Finding], out: TextIO, unsafe_fixes: UnsafeFixes = False) -> None:
    json.dump([as_json(f, unsafe_fixes) for f in findings], out, indent=2)
    out.write("\n")


def _escape_property(value: str) -> str:
    return (
        value.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def cell_words(finding: Finding) -> str:
    """Where a notebook finding is, in the cell's terms: ``cell 4, line 3, column 5``."""
    return f"cell {finding.cell}, line {finding.line}, column {finding.column}"


def write_github(
    findings: Sequence[Finding], out: TextIO, notebooks: Notebooks | None = None
) -> None:
    """One ``::error`` command a finding. GitHub places an annotation on a line of the
    file as stored, so a notebook finding goes on the line of the ``.ipynb`` JSON that
    holds its cell's line (no columns: JSON escaping moves them), and its title says
    where in the cell it is."""
    for f in findings:
        if f.cell is None:
            where = f"line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column},"
            title = f"{f.code} {f.name}"
        else:
            line = notebooks.file_line(f) if notebooks is not None else None
            where = f"line={line}," if line is not None else ""
            title = f"{f.code} {f.name} ({cell_words(f)})"
        out.write(
            f"::error file={_escape_property(f.path)},{where}"
            f"title={_escape_property(title)}::{_escape_data(f.message)}\n"
        )


def _artifact_location(path: str, root: str) -> dict[str, str]:
    """A URI relative to ``%SRCROOT%`` for files under the root, a ``file://`` URI for the
    rest: never a bare absolute path or a ``../``."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive, on Windows
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": urllib.parse.quote(relative.replace(os.sep, "/")), "uriBaseId": SOURCE_ROOT}


def _in_cell(result: dict[str, Any], finding: Finding, notebooks: Notebooks | None) -> None:
    result["message"]["text"] += f" ({cell_words(finding)})"
    result["properties"] = {
        "cell": finding.cell,
        "cellLine": finding.line,
        "cellColumn": finding.column,
        "cellEndLine": finding.end_line,
        "cellEndColumn": finding.end_column,
    }
    location = result["locations"][0]["physicalLocation"]
    line = notebooks.file_line(finding) if notebooks is not None else None
    if line is None:
        del location["region"]  # the artifact alone: its cell is in the properties
    else:
        location["region"] = {"startLine": line}


def write_sarif(
    findings: Sequence[Finding],
    out: TextIO,
    root: str | None = None,
    fingerprints: Sequence[str] | None = None,
    notebooks: Notebooks | None = None,
) -> None:
    """A SARIF 2.1.0 log. A notebook finding's region is in the ``.ipynb`` artifact
    as stored: the JSON line holding its cell's line (no columns: JSON escaping moves
    them); the message and the ``cell``/``cellLine``/... properties say where in the
    cell it is, which no SARIF location type expresses."""
    from jaxlint.rules import ALL_RULES  # their full documentation: SARIF only

    root = os.path.abspath(root or os.getcwd())
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": " ".join(rule.what_it_does.split())},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "defaultConfiguration": {"enabled": rule.default_enabled, "level": "error"},
            "properties": {"fix": rule.fix},
        }
        for rule in ALL_RULES
    ]
    index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    results: list[dict[str, Any]] = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(f.path, root),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    for result, finding in zip(results, findings, strict=True):
        if finding.cell is not None:
            _in_cell(result, finding, notebooks)
    if fingerprints is not None:  # the line's content, not its number: stable across edits
        for result, fingerprint in zip(results, fingerprints, strict=True):
            result["partialFingerprints"] = {"primaryLocationLineHash": fingerprint}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jaxlint",
                        "version": __version__,
                        "informationUri": PROJECT_URI,
                        "rules": rules,
                    }
                },
                # Lines and columns count characters (code points), not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")


def write_statistics(
    findings: Sequence[Finding], out: TextIO, output_format: str, unsafe_fixes: UnsafeFixes = False
) -> None:
    from jaxlint.rules import RULES_BY_CODE

    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fixable(unsafe_fixes))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        json.dump(
            [
                {
                    "code": code,
                    "name": RULES_BY_CODE[code].name,
                    "count": count,
                    # ruff's shape: whether any is fixable, and how many are.
                    "fixable": fixable[code] > 0,
                    "fixable_count": fixable[code],
                }
                for code, count in rows
            ],
            out,
            indent=2,
        )
        out.write("\n")
        return
    for code, count in rows:
        mark = "[*]" if fixable[code] else "   "
        out.write(f"{count:>5}\t{code}\t{mark} {RULES_BY_CODE[code].name}\n")
