"""End to end, as a new user would: `jaxlint --fix`, then `jaxlint verify` the result."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.verify import run_verify

FIXTURE = Path(__file__).parent.parent / "fixtures" / "inplace_updates.py"


@pytest.mark.skipif(not FIXTURE.exists(), reason="the in-place fixtures are not here")
def test_fixed_inplace_fixtures_pass_jit_and_grad(tmp_path: Path) -> None:
    target = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, target)
    before = run_verify(
        [str(target)], device="cpu", select_checks=["jit"], out=io.StringIO(), err=io.StringIO()
    )
    assert before == 1  # as written, the in-place updates raise

    CliRunner().invoke(main, ["check", "--fix", str(target)])
    out = io.StringIO()
    code = run_verify(
        [str(target)],
        device="cpu",
        output_format="json",
        select_checks=["jit", "grad"],
        out=out,
        err=io.StringIO(),
    )
    rows = json.loads(out.getvalue())
    assert len(rows) >= 8
    for row in rows:
        assert row["checks"]["jit"] == "pass", row
        # Integer-only functions cannot be differentiated; every other one must check out.
        assert row["checks"]["grad"] in ("pass", "skip"), row
        if row["checks"]["grad"] == "skip":
            assert "not differentiable" in row["messages"]["grad"]
    assert sum(row["checks"]["grad"] == "pass" for row in rows) >= 7
    assert code == 0
