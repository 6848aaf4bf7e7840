"""End to end, as a new user would: `jaxlint --fix`, then `jaxlint verify` the result."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.verify import run_verify

FIXTURE = Path(__file__).parent.parent / "fixtures" / "inplace_updates.py"
README = Path(__file__).parent.parent / "README.md"


@pytest.mark.skipif(not FIXTURE.exists(), reason="the in-place fixtures are not here")
def test_fixed_inplace_fixtures_pass_jit_and_grad(tmp_path: Path) -> None:
    target = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, target)
    before = run_verify(
        [str(target)], device="cpu", select_checks=["jit"], out=io.StringIO(), err=io.StringIO()
    )
    assert before == 1  # as written, the in-place updates raise

    # Some of the fixture's arrays are JAX arrays only by their annotations (an untraced
    # `params: jax.Array`): those fixes are unsafe, so apply them too.
    CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", str(target)])
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


def _readme_walkthrough() -> str:
    """The shell block of the README's verify walkthrough."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Runtime verification: `jaxlint verify`", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]


@pytest.mark.skipif(not FIXTURE.exists(), reason="the in-place fixtures are not here")
def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    shutil.copy(FIXTURE, tmp_path / "fixtures" / FIXTURE.name)
    environment = dict(os.environ, JAX_PLATFORMS="cpu")
    # `jaxlint` as a user's shell finds it: this interpreter's console script.
    environment["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), environment["PATH"]])
    completed = subprocess.run(
        ["bash", "-e", "-c", _readme_walkthrough()],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Found 13 problems (13 fixed, 0 remaining)." in completed.stdout
    assert "Verified 10 functions on cpu: 10 passed, 0 failed, 0 skipped" in completed.stdout
