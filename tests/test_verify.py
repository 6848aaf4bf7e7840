"""`jaxlint verify`: verdicts, isolation, example inputs, reports and exit codes.

The modules under tests/verify_cases hold many functions each, so one worker process
(one jax start-up) serves many checks and the suite stays quick on a small CI machine.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jaxlint.verify import run_verify

# A GPU machine must not hand all its memory to the test process: workers need it too.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

CASES = Path(__file__).parent / "verify_cases"
JSON_KEYS = {"function", "path", "line", "device", "verdict", "checks", "messages", "seconds"}
CHECKS = {"jit", "grad", "retrace", "leaks", "effects", "keys"}


def verify(paths: list[Path | str], **options: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("device", "cpu")
    code = run_verify([str(path) for path in paths], out=out, err=err, **options)
    return code, out.getvalue(), err.getvalue()


def by_function(report: str) -> dict[str, dict[str, Any]]:
    return {row["function"].split(":", 1)[1]: row for row in json.loads(report)}


@functools.cache
def jax_platforms() -> frozenset[str]:
    """Platforms jax can use here, asked in a child so this process keeps off any GPU."""
    probe = "import jax; print(' '.join({d.platform for d in jax.devices()}))"
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    return frozenset(completed.stdout.split())


# --- one worker, many verdicts -----------------------------------------------------------


@pytest.fixture(scope="module")
def core() -> tuple[int, dict[str, dict[str, Any]], str]:
    code, out, err = verify([CASES / "vc_core.py"], output_format="json")
    return code, by_function(out), err


def test_pure_functions_pass_every_check(core: tuple) -> None:
    _, rows, _ = core
    for name in ("pure_affine", "jitted_pure", "made_lazily", "Scaler.apply"):
        assert rows[name]["verdict"] == "pass", rows[name]
        assert set(rows[name]["checks"].values()) == {"pass"}, rows[name]


def test_global_read_and_updated_fails_jit(core: tuple) -> None:
    _, rows, _ = core
    row = rows["bump_and_scale"]
    assert row["verdict"] == "fail"
    assert row["checks"]["jit"] == "fail"
    assert "call 1" in row["messages"]["jit"] and "output" in row["messages"]["jit"]
    # The global changes on every eager call but only once under jit.
    assert row["checks"]["effects"] == "fail"
    assert "scale" in row["messages"]["effects"]


def test_custom_vjp_with_wrong_backward_fails_grad(core: tuple) -> None:
    _, rows, _ = core
    row = rows["wrong_vjp_sin"]
    assert row["checks"]["grad"] == "fail"
    assert "finite differences" in row["messages"]["grad"]
    assert row["checks"]["jit"] == "pass"
    assert row["verdict"] == "fail"


def test_changing_static_counter_fails_retrace_with_cause(core: tuple) -> None:
    _, rows, _ = core
    row = rows["counter_step"]
    assert row["checks"]["retrace"] == "fail"
    assert "traced" in row["messages"]["retrace"]
    # explain_cache_misses names the cause (its wording varies across jax versions).
    assert "cause:" in row["messages"]["retrace"]
    assert "static" in row["messages"]["retrace"].lower()


def test_tracer_stored_in_module_cache_fails_leaks(core: tuple) -> None:
    _, rows, _ = core
    row = rows["leaky"]
    assert row["checks"]["leaks"] == "fail"
    assert "_cache" in row["messages"]["leaks"]
    # Functions verified after it are not blamed for the tracer it left behind.
    assert rows["gather_row"]["checks"]["leaks"] == "pass"


def test_traced_python_if_fails_jit_naming_the_error(core: tuple) -> None:
    _, rows, _ = core
    row = rows["relu_if"]
    assert row["checks"]["jit"] == "fail"
    assert "TracerBoolConversionError" in row["messages"]["jit"]
    assert row["checks"]["leaks"] == "skip"  # the same error is not reported three times


def test_print_at_trace_time_fails_effects(core: tuple) -> None:
    _, rows, _ = core
    row = rows["noisy"]
    assert row["checks"]["effects"] == "fail"
    assert "printed" in row["messages"]["effects"]
    assert row["checks"]["jit"] == "pass"


def test_reused_typed_key_fails_keys(core: tuple) -> None:
    _, rows, _ = core
    row = rows["reuses_key"]
    assert row["checks"]["keys"] == "fail"
    assert row["messages"]["keys"].startswith("a PRNG key is used twice: ")
    assert row["checks"]["jit"] == "pass"
    assert rows["pure_affine"]["checks"]["keys"] == "pass"


def test_raw_key_used_as_an_array_passes_keys_saying_what_it_cannot_see(core: tuple) -> None:
    _, rows, _ = core
    row = rows["mixes_raw_key"]
    assert row["checks"]["keys"] == "pass"
    assert "raw uint32 keys used as plain arrays" in row["messages"]["keys"]


def test_integer_arguments_are_held_fixed_for_grad(core: tuple) -> None:
    _, rows, _ = core
    assert rows["gather_row"]["checks"]["grad"] == "pass"
    only_ints = rows["count_positive"]
    assert only_ints["checks"]["grad"] == "skip"
    assert "not differentiable" in only_ints["messages"]["grad"]
    assert only_ints["verdict"] == "pass"  # everything that could run passed


def test_traced_function_without_inputs_is_listed_as_skip_with_hint(core: tuple) -> None:
    _, rows, _ = core
    row = rows["_sin_fwd"]  # traced (a custom_vjp rule) but has no example inputs
    assert row["verdict"] == "skip"
    assert "JAXLINT_EXAMPLES" in row["messages"]["hint"]


def test_json_report_shape_and_exit_code(core: tuple) -> None:
    code, rows, err = core
    assert code == 1
    assert "[1/1] vc_core" in err  # progress on stderr
    for row in rows.values():
        assert set(row) == JSON_KEYS
        assert set(row["checks"]) == CHECKS
        assert set(row["checks"].values()) <= {"pass", "fail", "skip"}
        assert row["verdict"] in {"pass", "fail", "skip"}
        assert row["function"].startswith("vc_core:")
        assert row["path"].endswith("vc_core.py")
        assert isinstance(row["line"], int) and row["line"] > 0
        assert row["device"] == "cpu"
        assert isinstance(row["seconds"], float)
    lines = [row["line"] for row in rows.values()]
    assert rows["pure_affine"]["line"] == 9
    assert len(set(lines)) == len(lines)


# --- isolation ---------------------------------------------------------------------------


def test_broken_modules_fail_cleanly_and_the_report_stays_whole() -> None:
    paths = [CASES / name for name in ("vc_import_error.py", "vc_abort.py", "vc_hang.py")]
    code, out, err = verify([*paths, CASES / "vc_good.py"], timeout=3, select_checks=["jit"])
    assert code == 1
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("vc_")}
    assert set(rows) == {
        "vc_import_error:never_reached",
        "vc_abort:fine_before",
        "vc_abort:aborts",
        "vc_abort:never_run",
        "vc_hang:fine_first",
        "vc_hang:sleeps",
        "vc_good:double",
    }
    verdicts = {name: line.split()[2] for name, line in rows.items()}
    assert verdicts == {
        "vc_import_error:never_reached": "fail",
        "vc_abort:fine_before": "pass",
        "vc_abort:aborts": "fail",
        "vc_abort:never_run": "fail",
        "vc_hang:fine_first": "pass",
        "vc_hang:sleeps": "fail",
        "vc_good:double": "pass",
    }
    assert "import failed: RuntimeError: this module refuses to import" in out
    assert "SIGABRT" in out and "while running this function" in out
    assert "not run: worker crashed" in out
    assert "timed out after 3s while running this function" in out
    assert out.splitlines()[1].split() == [
        "function", "device", "verdict", "jit", "grad", "retrace", "leaks", "effects", "keys",
        "time",
    ]  # fmt: skip
    assert "Verified 7 functions on cpu: 3 passed, 4 failed, 0 skipped" in out
    assert err.count("jaxlint verify: [") == 8  # a start and an end line per module


# --- example inputs ----------------------------------------------------------------------


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project with vc_annotated.py and a pyproject giving one function's inputs."""
    shutil.copy(CASES / "vc_annotated.py", tmp_path / "vc_annotated.py")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.jaxlint.verify.examples]\n"
        '"vc_annotated:from_pyproject" = "(jnp.arange(3.0),)"\n'
        '"elsewhere:ignored" = "(1,)"\n'
    )
    return tmp_path


def test_inputs_from_annotations_and_pyproject(project: Path) -> None:
    code, out, _ = verify([project], output_format="json")
    rows = by_function(out)
    assert code == 1  # set_first still does an in-place update
    for name in ("matvec", "shift", "pick", "from_pyproject"):
        assert rows[name]["verdict"] == "pass", rows[name]
    assert rows["unannotated"]["verdict"] == "skip"
    assert "no inputs for `x`" in rows["unannotated"]["messages"]["hint"]
    assert "TypeError" in rows["set_first"]["messages"]["jit"]
    assert "outer" not in rows  # not traced and no examples: not imported at all


def test_only_flagged_narrows_to_static_findings(project: Path) -> None:
    code, out, _ = verify([project], output_format="json", only_flagged=True)
    assert code == 1
    assert list(by_function(out)) == ["set_first"]


def test_explicit_examples_table_wins_over_pyproject(project: Path) -> None:
    examples = {"vc_annotated:unannotated": "(jnp.ones(2),)"}
    code, out, _ = verify([project / "vc_annotated.py"], output_format="json", examples=examples)
    rows = by_function(out)
    assert rows["unannotated"]["verdict"] == "pass"
    assert rows["from_pyproject"]["verdict"] == "skip"  # the pyproject file was not read


# --- usage, devices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"output_format": "xml"}, "--format"),
        ({"device": "npu"}, "--device"),
        ({"select_checks": ["jit,speed"]}, "unknown check(s) speed"),
        ({"timeout": 0}, "--timeout"),
    ],
)
def test_usage_errors_exit_2(options: dict[str, Any], message: str) -> None:
    code, out, err = verify([CASES / "vc_good.py"], **options)
    assert code == 2
    assert message in err
    assert out == ""


def test_missing_path_is_a_usage_error() -> None:
    code, _, err = verify([CASES / "no_such_module.py"])
    assert code == 2
    assert "no such file" in err


def test_nothing_to_verify_exits_0(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("def f(x):\n    return x\n")
    code, out, _ = verify([tmp_path])
    assert code == 0
    assert "No functions to verify." in out


def test_gpu_on_a_cpu_only_machine_is_a_clear_error() -> None:
    if "gpu" in jax_platforms():
        pytest.skip("this machine has a GPU")
    code, out, err = verify([CASES / "vc_good.py"], device="gpu")
    assert code == 2
    assert out == ""
    assert "--device gpu" in err and "no gpu device" in err


@pytest.mark.gpu
def test_verify_on_gpu_names_the_device() -> None:
    if "gpu" not in jax_platforms():
        pytest.skip("no GPU here")
    code, out, _ = verify([CASES / "vc_good.py"], device="gpu", output_format="json")
    assert code == 0
    row = by_function(out)["double"]
    assert row["device"].startswith("gpu: ")
    assert row["verdict"] == "pass"


def test_cli_verify_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from jaxlint.cli import main

    (tmp_path / "pyproject.toml").write_text(
        '[tool.jaxlint.verify.examples]\n"vc_good:double" = "(jnp.ones(3),)"\n'
    )
    shutil.copy(CASES / "vc_good.py", tmp_path / "vc_good.py")
    args = ["verify", str(tmp_path), "--device", "cpu", "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--select-checks", "jit,grad"])
    assert result.exit_code == 0, result.output
    row = by_function(result.stdout)["double"]
    assert row["checks"]["retrace"] == "skip" and row["checks"]["grad"] == "pass"
    assert row["messages"]["retrace"] == "not selected"
    result = CliRunner().invoke(main, [*args, "--select-checks", "bogus"])
    assert result.exit_code == 2
