"""Text and JSON reports of verification results."""

from __future__ import annotations

import json
from collections.abc import Sequence

from jaxlint.verify.result import CHECK_NAMES, FAIL, NOT_SELECTED, PASS, SKIP, FunctionResult

HEADERS = ("function", "device", "verdict", *CHECK_NAMES, "time")


def sort_results(results: Sequence[FunctionResult]) -> list[FunctionResult]:
    return sorted(results, key=lambda result: (result.path, result.line, result.qualname))


def render_json(results: Sequence[FunctionResult]) -> str:
    return json.dumps([result.to_json() for result in sort_results(results)], indent=2) + "\n"


def shown_messages(result: FunctionResult) -> list[tuple[str, str]]:
    """Messages worth a line under the row: errors, hints, failures, informative skips."""
    shown = []
    for key in ("error", "hint"):
        if key in result.messages:
            shown.append((key, result.messages[key]))
    for name in CHECK_NAMES:
        message = result.messages.get(name)
        if not message:
            continue
        status = result.checks.get(name, SKIP)
        if status == FAIL or (status == SKIP and not message.startswith(("not run", "not sel"))):
            shown.append((name, message))
    return shown


def render_text(results: Sequence[FunctionResult], *, device: str | None, seconds: float) -> str:
    ordered = sort_results(results)
    rows = [
        (
            result.function,
            result.device.split(":", 1)[0] if result.device else "-",
            result.verdict,
            *(_status_cell(result, name) for name in CHECK_NAMES),
            f"{result.seconds:.2f}s",
        )
        for result in ordered
    ]
    widths = [max(len(cell) for cell in column) for column in zip(HEADERS, *rows, strict=False)]
    lines = [f"jaxlint verify on {device or 'unknown device'}"]
    if rows:
        lines.append(_format_row(HEADERS, widths))
    for result, row in zip(ordered, rows, strict=True):
        lines.append(_format_row(row, widths))
        for key, message in shown_messages(result):
            lines.append(f"    {key}: {message}")
    lines.append(summary_line(ordered, device=device, seconds=seconds))
    return "\n".join(lines) + "\n"


def _status_cell(result: FunctionResult, check: str) -> str:
    """The check's status; `-` for a check the user did not select."""
    if result.messages.get(check) == NOT_SELECTED:
        return "-"
    return result.checks.get(check, SKIP)


def _format_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _counts(results: Sequence[FunctionResult]) -> str:
    """`P passed, F failed, S skipped`, and how many of the skipped had no inputs."""
    counts = {verdict: 0 for verdict in (PASS, FAIL, SKIP)}
    for result in results:
        counts[result.verdict] += 1
    text = f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped"
    without_inputs = sum(result.lacks_inputs for result in results)
    if without_inputs:
        text += f" ({without_inputs} with no example inputs)"
    return text


def module_tally(results: Sequence[FunctionResult]) -> str:
    """One module's progress count: the same rows the table will show."""
    noun = "function" if len(results) == 1 else "functions"
    return f"{len(results)} {noun}: {_counts(results)}"


def summary_line(results: Sequence[FunctionResult], *, device: str | None, seconds: float) -> str:
    if not results:
        return "No functions to verify."
    noun = "function" if len(results) == 1 else "functions"
    return (
        f"Verified {len(results)} {noun} on {device or 'unknown device'}: "
        f"{_counts(results)} in {seconds:.1f}s."
    )
