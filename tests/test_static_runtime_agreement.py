"""The static rules and the runtime checks agree: what JL006 flags fails under jit, and
what JL005 flags fails `keys` (jax's key-reuse checker)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from jaxlint.verify import run_verify

from conftest import FIXTURES, expected_marks

# Inputs for every function of fixtures/prng.py: typed keys, raw keys (PRNGKey) and
# integer seeds, so both kinds of key reach the checker.
PRNG_EXAMPLES = {
    "prng:init_mlp": "(jax.random.PRNGKey(0), [3, 2, 2])",
    "prng:init_layer": "(jax.random.key(1), 3, 2)",
    "prng:dropout": "(jnp.ones(4), jax.random.key(2), 0.5)",
    "prng:two_dropouts": "(jnp.ones(4), 3)",
    "prng:good_init": "(jax.random.PRNGKey(4), 3, 2)",
    "prng:sample": "(jax.random.key(5), jnp.zeros(3), False)",
    "prng:sample_or_noise": "(jax.random.key(6), jnp.zeros(3), 0.5)",
    "prng:rollout": "(jax.random.key(7), 2)",
    "prng:legacy_keys": "(8,)",
}


def _verify_fixture(
    tmp_path: Path, name: str, **options: Any
) -> tuple[int, dict[str, dict[str, Any]]]:
    shutil.copy(FIXTURES / name, tmp_path / name)
    out = io.StringIO()
    code = run_verify(
        [str(tmp_path / name)], output_format="json", out=out, err=io.StringIO(), **options
    )
    return code, {row["function"].split(":", 1)[1]: row for row in json.loads(out.getvalue())}


def _flagged(row: dict[str, Any], source: list[str], marked_lines: set[int]) -> bool:
    """Whether a mark sits inside the function's body (the def line on)."""
    start = row["line"]
    end = start
    while end < len(source) and (not source[end] or source[end].startswith((" ", "#"))):
        end += 1
    return any(start <= line <= end for line in marked_lines)


def _marked_lines(name: str, code: str) -> set[int]:
    return {
        line for (path, line, mark) in expected_marks(FIXTURES) if path == name and mark == code
    }


def test_control_flow_flagged_functions_fail_jit_and_the_rest_pass(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    code, report = _verify_fixture(tmp_path, "control_flow.py")
    assert code == 1
    flagged_lines = _marked_lines("control_flow.py", "JL006")
    source = (FIXTURES / "control_flow.py").read_text().splitlines()

    ran = {name: row for name, row in report.items() if row["verdict"] != "skip"}
    assert {"relu", "halve_until_small", "checked_log", "static_branches", "grad_only"} <= set(ran)
    for name, row in ran.items():
        if _flagged(row, source, flagged_lines):
            assert row["checks"]["jit"] == "fail", name
            assert "Error" in row["messages"]["jit"], name
        else:
            assert row["verdict"] == "pass", (name, row["messages"])


def test_key_reuse_flagged_functions_fail_keys_and_the_rest_pass(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    code, report = _verify_fixture(
        tmp_path, "prng.py", examples=PRNG_EXAMPLES, select_checks=["keys"]
    )
    assert code == 1
    flagged_lines = _marked_lines("prng.py", "JL005")
    source = (FIXTURES / "prng.py").read_text().splitlines()
    assert set(report) == {key.split(":", 1)[1] for key in PRNG_EXAMPLES}
    verdicts = {name: row["checks"]["keys"] for name, row in report.items()}
    expected = {
        name: "fail" if _flagged(row, source, flagged_lines) else "pass"
        for name, row in report.items()
    }
    assert verdicts == expected
    # Both kinds of key are followed: a raw key argument and keys made by PRNGKey.
    assert sorted(name for name, verdict in verdicts.items() if verdict == "fail") == [
        "init_layer", "init_mlp", "legacy_keys", "two_dropouts",
    ]  # fmt: skip
    assert "raw keys" in report["init_mlp"]["messages"]["keys"]


# Inputs for fixtures/dynamic_shapes.py: sizes passed as arrays, so `verify` traces them
# (as the fixture's own callers do) rather than holding them static as Python ints.
DYNAMIC_SHAPE_EXAMPLES = {
    f"dynamic_shapes:{name}": arguments
    for name, arguments in {
        "positive_indices": "(jnp.arange(4.0),)",
        "distinct_labels": "(jnp.arange(4.0),)",
        "where_positive": "(jnp.arange(4.0),)",
        "padded_range": "(jnp.arange(4.0), jnp.int32(3))",
        "scan_body": "(jnp.int32(3), jnp.ones(3))",
        "scan_rows": "(jnp.ones((2, 3)), jnp.int32(3))",
        "grid": "(jnp.arange(4.0), jnp.int32(5))",
        "positive_indices_padded": "(jnp.arange(4.0),)",
        "masked_sum": "(jnp.arange(4.0),)",
        "static_range": "(jnp.arange(4.0), 3)",
        "shaped_like": "(jnp.arange(4.0),)",
        "eye_of_input": "(jnp.ones((2, 2)),)",
        "mean_of_positive": "(jnp.arange(4.0),)",
        "zero_nans": "(jnp.arange(4.0),)",
        "window": "(jnp.arange(4.0), jnp.int32(1))",
        "to_rows": "(jnp.arange(4.0), jnp.int32(2))",
        "mean_of_positive_masked": "(jnp.arange(4.0),)",
        "zero_nans_where": "(jnp.arange(4.0),)",
        "window_dynamic": "(jnp.arange(4.0), jnp.int32(1))",
        "halves": "(jnp.arange(4.0),)",
        "count_positive": "(jnp.arange(4.0),)",
    }.items()
}


def test_dynamic_shape_flagged_functions_fail_jit_and_the_traced_rest_pass(
    tmp_path: Path,
) -> None:
    pytest.importorskip("jax")
    code, report = _verify_fixture(
        tmp_path, "dynamic_shapes.py", examples=DYNAMIC_SHAPE_EXAMPLES, select_checks=["jit"]
    )
    assert code == 1
    flagged_lines = _marked_lines("dynamic_shapes.py", "JL011")
    source = (FIXTURES / "dynamic_shapes.py").read_text().splitlines()
    verdicts = {
        name: row["checks"]["jit"]
        for name, row in report.items()
        if f"dynamic_shapes:{name}" in DYNAMIC_SHAPE_EXAMPLES
    }
    assert len(verdicts) == len(DYNAMIC_SHAPE_EXAMPLES)
    # scan_rows calls the flagged scan_body: it fails too, without a mark of its own.
    expected = {
        name: "fail"
        if _flagged(report[name], source, flagged_lines) or name == "scan_rows"
        else "pass"
        for name in verdicts
    }
    assert verdicts == expected
    assert sorted(name for name, verdict in verdicts.items() if verdict == "fail") == [
        "distinct_labels", "grid", "mean_of_positive", "padded_range", "positive_indices",
        "scan_body", "scan_rows", "to_rows", "where_positive", "window", "zero_nans",
    ]  # fmt: skip


STATIC_ARGUMENT_FUNCTIONS = (
    "summed pooled selected configured configured_by_name selected_many "
    "summed_tuple pooled_tuple selected_int plain_call pytree_argument"
).split()
SEQUENCE_INPUT_EXAMPLES = {
    "sequence_inputs:total_loss": "({'a': jnp.float32(1.0), 'b': jnp.float32(2.0)},)",
    "sequence_inputs:mean_of_pair": "(jnp.float32(1.0), jnp.float32(2.0))",
    "sequence_inputs:max_over_layers": "([jnp.ones(2), -jnp.ones(2)],)",
    "sequence_inputs:norms": "([jnp.ones(2)],)",
    "sequence_inputs:floor_at": "(jnp.ones(3),)",
    "sequence_inputs:log_partition": "(jnp.ones(2), jnp.ones(2))",
    "sequence_inputs:stacked_sum": "(jnp.ones(2), jnp.ones(2))",
    "sequence_inputs:joined": "([jnp.ones(2), jnp.ones(3)],)",
    "sequence_inputs:reshaped": "(jnp.ones(4),)",
    "sequence_inputs:padded": "(jnp.ones((2, 2)),)",
    "sequence_inputs:rebound": "([jnp.ones(2)],)",
    "sequence_inputs:tiled": "(jnp.ones(3),)",
}


@pytest.mark.parametrize(
    ("fixture", "code", "examples"),
    [
        (
            "static_arguments.py",
            "JL014",
            {
                f"static_arguments:{name}": "(jnp.ones((4, 4)),)"
                for name in STATIC_ARGUMENT_FUNCTIONS
            },
        ),
        ("sequence_inputs.py", "JL012", SEQUENCE_INPUT_EXAMPLES),
    ],
    ids=["JL014", "JL012"],
)
def test_flagged_functions_fail_jit_and_the_rest_pass(
    tmp_path: Path, fixture: str, code: str, examples: dict[str, str]
) -> None:
    pytest.importorskip("jax")
    exit_code, report = _verify_fixture(tmp_path, fixture, examples=examples, select_checks=["jit"])
    assert exit_code == 1
    flagged_lines = _marked_lines(fixture, code)
    source = (FIXTURES / fixture).read_text().splitlines()
    ran = {name: row for name, row in report.items() if f"{fixture[:-3]}:{name}" in examples}
    assert len(ran) == len(examples)
    for name, row in ran.items():
        expected = "fail" if _flagged(row, source, flagged_lines) else "pass"
        assert row["checks"]["jit"] == expected, (name, row["messages"])
    assert sum(_flagged(row, source, flagged_lines) for row in ran.values()) == 6


# Inputs for fixtures/nan_gradients.py: for the marked functions, where the untaken branch
# is out of its domain (the gradient is NaN there); for the look-alikes, smooth points
# (finite differences disagree at a kink, which is no NaN).
NAN_GRADIENT_EXAMPLES = {
    f"nan_gradients:{name}": arguments
    for name, arguments in {
        "safe_norm": "(jnp.zeros(3),)",
        "entropy": "(jnp.array([0.0, 0.5, 0.5]),)",
        "masked_mean": "(jnp.ones(3),)",
        "log1p_clamped": "(jnp.array([-1.0, 0.5]),)",
        "root_mean": "(-jnp.ones(3),)",
        "inverse_distance": "(jnp.zeros(3),)",
        "shifted_sqrt": "(jnp.zeros(3),)",
        "safe_norm_fixed": "(jnp.zeros(3),)",
        "entropy_fixed": "(jnp.array([0.2, 0.3, 0.5]),)",
        "relu_like": "(jnp.ones(3),)",
        "clipped_log": "(jnp.ones(3),)",
    }.items()
}


def test_nan_gradient_flagged_functions_fail_grad_and_the_rest_pass(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    code, report = _verify_fixture(
        tmp_path, "nan_gradients.py", examples=NAN_GRADIENT_EXAMPLES, select_checks=["grad"]
    )
    assert code == 1
    flagged_lines = _marked_lines("nan_gradients.py", "JL017")
    source = (FIXTURES / "nan_gradients.py").read_text().splitlines()
    ran = {
        name: row
        for name, row in report.items()
        if f"nan_gradients:{name}" in NAN_GRADIENT_EXAMPLES
    }
    assert len(ran) == len(NAN_GRADIENT_EXAMPLES)
    for name, row in ran.items():
        if _flagged(row, source, flagged_lines):
            assert row["checks"]["grad"] == "fail", name
            assert "nan" in row["messages"]["grad"], name
        else:
            assert row["checks"]["grad"] == "pass", (name, row["messages"])
    assert sum(_flagged(row, source, flagged_lines) for row in ran.values()) == 7
