"""The static rule and the runtime check agree: what JL006 flags fails under jit."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from jaxlint.verify import run_verify

from conftest import FIXTURES, expected_marks


def test_control_flow_flagged_functions_fail_jit_and_the_rest_pass(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    shutil.copy(FIXTURES / "control_flow.py", tmp_path / "control_flow.py")
    out = io.StringIO()
    code = run_verify(
        [str(tmp_path / "control_flow.py")], output_format="json", out=out, err=io.StringIO()
    )
    assert code == 1
    report = {row["function"].split(":", 1)[1]: row for row in json.loads(out.getvalue())}

    flagged_lines = {line for (path, line, code) in expected_marks(FIXTURES) if path == "control_flow.py" and code == "JL006"}  # fmt: skip
    source = (FIXTURES / "control_flow.py").read_text().splitlines()

    def flagged(row: dict) -> bool:
        """Whether a JL006 mark sits inside the function's body (the def line on)."""
        start = row["line"]
        end = start
        while end < len(source) and (not source[end] or source[end].startswith((" ", "#"))):
            end += 1
        return any(start <= line <= end for line in flagged_lines)

    ran = {name: row for name, row in report.items() if row["verdict"] != "skip"}
    assert {"relu", "halve_until_small", "checked_log", "static_branches", "grad_only"} <= set(ran)
    for name, row in ran.items():
        if flagged(row):
            assert row["checks"]["jit"] == "fail", name
            assert "Error" in row["messages"]["jit"], name
        else:
            assert row["verdict"] == "pass", (name, row["messages"])
