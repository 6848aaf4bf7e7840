"""`jaxlint verify --jobs N` and `--fail-on-skip`."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jaxlint.cli import main
from jaxlint.verify import run_verify

from conftest import FIXTURES

TIMES = re.compile(r" in \d+\.\ds$", re.MULTILINE)


def _verify(paths: list[str], **options: object) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_verify(paths, device="cpu", output_format="json", out=out, err=err, **options)
    rows = json.loads(out.getvalue())
    for row in rows:
        assert isinstance(row.pop("seconds"), float)
    return code, rows, TIMES.sub("", err.getvalue())


def test_two_jobs_report_exactly_what_one_job_reports_on_the_fixed_fixtures(
    tmp_path: Path,
) -> None:
    fixed = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixed)
    CliRunner().invoke(main, ["check", "--fix", "--no-cache", str(fixed)])
    one = _verify([str(fixed)], jobs=1, select_checks=["jit"])
    two = _verify([str(fixed)], jobs=2, select_checks=["jit"])
    assert one == two
    code, rows, progress = one
    assert code == 1  # the fixtures that need flax, optax or equinox fail to import here
    assert len(rows) >= 40
    modules = [line.split("] ", 1)[1].split()[0] for line in progress.splitlines()[::2]]
    assert modules[:2] == ["clean_sharp_bits", "clean_traps"]
    assert modules[-1] == "crossmod.train"
    # Each module's progress count is its rows in the table.
    for line in progress.splitlines()[1::2]:
        module, tally = line.split("] ", 1)[1].split(": ", 1)
        count = sum(row["function"].split(":")[0] == module for row in rows)
        assert tally.startswith(f"{count} function"), line


def test_fail_on_skip_turns_functions_without_inputs_into_exit_1(tmp_path: Path) -> None:
    (tmp_path / "partly.py").write_text(
        "import jax\nimport jax.numpy as jnp\n\n\n"
        "@jax.jit\ndef double(x):\n    return x * 2\n\n\n"
        "@jax.jit\ndef no_inputs(x):\n    return x + 1\n\n\n"
        'JAXLINT_EXAMPLES = {"double": (jnp.ones(2),)}\n'
    )
    for fail_on_skip, expected_code in ((False, 0), (True, 1)):
        out = io.StringIO()
        code = run_verify(
            [str(tmp_path / "partly.py")],
            device="cpu",
            select_checks=["jit"],
            fail_on_skip=fail_on_skip,
            out=out,
            err=io.StringIO(),
        )
        assert code == expected_code
        summary = out.getvalue().splitlines()[-1]
        assert summary.startswith(
            "Verified 2 functions on cpu: 1 passed, 0 failed, 1 skipped (1 with no example inputs)"
        )


def test_jobs_must_be_positive() -> None:
    code = run_verify(
        [str(FIXTURES / "prng.py")], jobs=0, out=io.StringIO(), err=(err := io.StringIO())
    )
    assert code == 2
    assert "--jobs must be a positive number" in err.getvalue()
    result = CliRunner().invoke(main, ["verify", "--jobs", "0", str(FIXTURES / "prng.py")])
    assert result.exit_code == 2


def test_worker_slots_per_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    from jaxlint.verify import schedule
    from jaxlint.verify.runner import ModuleOutcome

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(schedule, "usable_cores", lambda: 3)
    assert schedule.worker_slots("cpu", None, 5) == ([{}, {}, {}], None)
    assert schedule.worker_slots("cpu", 4, 1) == ([{}], None)  # one module: one worker
    two_gpus = ModuleOutcome(platform="gpu", device="gpu: H100", device_count=2)
    monkeypatch.setattr(schedule, "probe_device", lambda device: two_gpus)
    assert schedule.worker_slots("auto", None, 5) == (
        [{"CUDA_VISIBLE_DEVICES": "0"}, {"CUDA_VISIBLE_DEVICES": "1"}],
        None,
    )
    slots, _ = schedule.worker_slots("gpu", 3, 5)
    assert [slot["CUDA_VISIBLE_DEVICES"] for slot in slots] == ["0", "1", "0"]
    assert all(slot["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false" for slot in slots)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,6")
    assert schedule.visible_gpus(2) == ["4", "6"]
    tpu = ModuleOutcome(platform="tpu", device="tpu: v5", device_count=4)
    monkeypatch.setattr(schedule, "probe_device", lambda device: tpu)
    assert schedule.worker_slots("auto", None, 5) == ([{}], None)
    missing = ModuleOutcome(device_error="--device gpu was asked for, but jax finds no gpu")
    monkeypatch.setattr(schedule, "probe_device", lambda device: missing)
    assert schedule.worker_slots("gpu", None, 5) == ([{}], missing.device_error)
