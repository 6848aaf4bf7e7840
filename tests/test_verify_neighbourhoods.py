"""Where the runtime checks may judge: `grad` away from kinks, `retrace` per function object.

Tests call functions exactly where derivatives are not defined (`relu` at 0.0, linear
interpolation at integer coordinates) and build many distinct functions on one line
(partials, one closure per test). Neither is a defect; a wrong custom derivative and a
static argument that changes every call are, and still fail.
"""

from __future__ import annotations

import functools
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

from jaxlint.verify.checks import run_checks  # noqa: E402
from jaxlint.verify.grad import kinks_of  # noqa: E402


def _grad(fn: Any, *args: Any) -> tuple[str, str]:
    report = run_checks(fn, args, checks=["grad"])
    return report.checks["grad"], report.messages.get("grad", "")


@jax.jit
def relu_sum(x: Any) -> Any:
    return jnp.sum(jax.nn.relu(x))


@jax.custom_vjp
def wrong_sin(x: Any) -> Any:
    return jnp.sin(x)


wrong_sin.defvjp(lambda x: (jnp.sin(x), x), lambda x, g: (2.0 * jnp.cos(x) * g,))


@jax.jit
def wrong_sin_loss(x: Any) -> Any:
    return jnp.sum(wrong_sin(x))


@jax.custom_jvp
def clipped_gradient_abs(x: Any) -> Any:
    return jnp.abs(x)


@clipped_gradient_abs.defjvp
def _clipped_gradient_abs_jvp(primals: Any, tangents: Any) -> Any:
    (x,), (t,) = primals, tangents
    return jnp.abs(x), 3.0 * jnp.sign(x) * t  # wrong everywhere, not only at the kink


@jax.jit
def interpolate(values: Any, coordinates: Any) -> Any:
    lower = jnp.floor(coordinates).astype(jnp.int32)
    upper = jnp.minimum(lower + 1, values.shape[0] - 1)
    fraction = coordinates - lower
    return values[lower] * (1 - fraction) + values[upper] * fraction


@jax.jit
def staircase_sum(x: Any) -> Any:
    return jnp.sum(jnp.floor(x) * x)


def test_relu_at_its_kink_passes_grad_checked_nearby() -> None:
    verdict, message = _grad(relu_sum, jnp.array([-1.0, 0.0, 2.0]))
    assert verdict == "pass", message
    assert "near the recorded input" in message and "max" in message


def test_interpolation_at_integer_coordinates_passes_grad() -> None:
    verdict, message = _grad(interpolate, jnp.arange(5.0) ** 2, jnp.array([1.0, 3.0]))
    assert verdict == "pass", message


def test_wrong_custom_vjp_still_fails_grad_away_from_kinks() -> None:
    verdict, message = _grad(wrong_sin_loss, jnp.zeros(2))
    assert verdict == "fail"
    assert "finite differences" in message and "where the function is smooth" in message
    assert "custom_vjp" in message


def test_wrong_custom_jvp_on_a_kinked_function_still_fails_grad() -> None:
    kinked = jax.jit(lambda x: jnp.sum(clipped_gradient_abs(x)))
    verdict, message = _grad(kinked, jnp.array([0.0, 1.0, -2.0]))
    assert verdict == "fail", message


def test_a_smooth_function_that_fails_at_the_input_fails_without_a_second_look() -> None:
    @jax.custom_vjp
    def cube(x: Any) -> Any:
        return x**3

    # A wrong rule, but no kink primitive in the function itself: custom_vjp is reported.
    cube.defvjp(lambda x: (x**3, x), lambda x, g: (x * g,))
    assert kinks_of(lambda x: jnp.sum(cube(x)), (jnp.ones(2),)) == ["custom_vjp_call"]
    assert kinks_of(lambda x: jnp.sum(jnp.sin(x) * x), (jnp.ones(2),)) == []
    assert _grad(jax.jit(lambda x: jnp.sum(cube(x))), jnp.ones(2))[0] == "fail"


def test_no_smooth_point_nearby_is_a_skip_with_the_reason() -> None:
    # Kinks every 3e-4, finer than the finite-difference step (1e-3 in float32): no
    # stencil near the input is free of them, so finite differences cannot judge.
    wiggly = jax.jit(lambda x: jnp.sum(jnp.abs(jnp.sin(x * 1e4))))
    verdict, message = _grad(wiggly, jnp.array([0.3, 0.7]))
    assert verdict == "skip", message
    assert message.endswith("no smooth point was found near it in 4 tries"), message
    assert "kink (kinks or custom rules: abs)" in message


def test_a_step_function_is_judged_between_its_steps() -> None:
    verdict, message = _grad(staircase_sum, jnp.array([1.0, 2.0, -3.0]))
    assert verdict == "pass", message


# --- retrace: what jax's trace cache tells apart --------------------------------------------


@pytest.fixture()
def observed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from jaxlint.verify.observe import Observer

    (tmp_path / "norms_mod.py").write_text(
        textwrap.dedent(
            """
            from functools import partial

            import jax
            import jax.numpy as jnp


            def power_norm(x, ord=2.0, axis=None):
                return jnp.sum(jnp.abs(x) ** ord, axis=axis) ** (1.0 / ord)


            def make_update(learning_rate):
                def update(x):
                    return x - learning_rate * x

                return jax.jit(update)


            @partial(jax.jit, static_argnames="steps")
            def repeat(x, steps):
                for _ in range(steps):
                    x = x * 0.5
                return x
            """
        )
    )
    observer = Observer(str(tmp_path))
    observer.install()
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import norms_mod

        yield observer, norms_mod
    finally:
        observer.uninstall()
        sys.modules.pop("norms_mod", None)


def _retrace_rows(observer: Any) -> dict[str, Any]:
    from jaxlint.verify.session import verify_observed

    return {r.qualname: r for r in verify_observed(observer, checks=["retrace"])}


def test_fifty_partials_of_one_function_each_traced_once_pass_retrace(observed: Any) -> None:
    observer, module = observed
    x = jnp.arange(1.0, 4.0)
    for order in range(1, 51):
        norm = jax.jit(functools.partial(module.power_norm, ord=float(order), axis=0))
        assert norm(x).shape == ()
    for _ in range(3):  # one closure per "test", each traced once
        assert module.make_update(0.1)(x).shape == (3,)
    rows = _retrace_rows(observer)
    assert rows["power_norm"].checks["retrace"] == "pass", rows["power_norm"].messages
    assert rows["make_update.<locals>.update"].checks["retrace"] == "pass"


def test_a_new_partial_of_the_same_arguments_every_call_still_fails_retrace(
    observed: Any,
) -> None:
    observer, module = observed
    for _ in range(3):  # jax retraces each new partial object, arguments equal or not
        jax.jit(functools.partial(module.power_norm, ord=2.0))(jnp.ones(3))
    row = _retrace_rows(observer)["power_norm"]
    assert row.checks["retrace"] == "fail"
    assert row.messages["retrace"].startswith("the tests traced it 3 times")


def test_a_changing_static_number_still_fails_retrace_naming_it(observed: Any) -> None:
    observer, module = observed
    for steps in range(1, 4):
        module.repeat(jnp.ones(2), steps)
    message = _retrace_rows(observer)["repeat"].messages["retrace"]
    assert message.startswith("the tests traced it 3 times (3 compiled) for one input")
    assert "steps" in message, message


def test_explanations_are_caught_for_the_report_and_kept_out_of_the_tests_log(
    observed: Any, caplog: pytest.LogCaptureFixture
) -> None:
    observer, module = observed
    # Switched on once for the session, not around every call (which cost more than the
    # call itself); what jax logs is the report's, not the test's.
    assert jax.config.jax_explain_cache_misses
    with caplog.at_level("DEBUG"):
        for steps in range(1, 3):
            module.repeat(jnp.ones(2), steps)
    assert not [record for record in caplog.records if "CACHE MISS" in record.getMessage()]
    observation = next(o for o in observer.observations.values() if o.qualname == "repeat")
    assert "argument `steps`" in next(iter(observation.causes.values()))
    observer.uninstall()
    assert not jax.config.jax_explain_cache_misses


def test_finite_differences_that_do_not_settle_are_a_skip_not_a_fail() -> None:
    # Curvature too large for a float32 step of 1e-3 at 2e-3; no kink anywhere.
    verdict, message = _grad(jax.jit(lambda x: jnp.sum(1.0 / jnp.sqrt(x))), jnp.array([2e-3, 1.0]))
    assert verdict == "skip", message
    assert message.startswith("finite differences do not settle"), message


def test_a_stop_gradient_trick_on_a_smooth_function_still_fails_grad() -> None:
    # The value is x**2; the gradient reverse mode sees is that of x.
    trick = jax.jit(lambda x: jnp.sum(x + jax.lax.stop_gradient(x**2 - x)))
    verdict, message = _grad(trick, jnp.array([0.5, 1.5]))
    assert verdict == "fail", message
    assert message.startswith("gradient differs from finite differences"), message


def test_calls_under_disable_jit_are_not_traces(observed: Any) -> None:
    observer, module = observed
    with jax.disable_jit():  # the body runs on every call: no trace, no retrace
        for steps in range(1, 4):
            module.repeat(jnp.ones(2), steps)
    module.repeat(jnp.ones(2), 1)
    assert _retrace_rows(observer)["repeat"].checks["retrace"] == "pass"


def test_a_nan_gradient_at_a_kink_still_fails_grad() -> None:
    # The untaken branch's derivative is NaN at 0: `where` does not hide it from grad.
    norm = jax.jit(lambda x: jnp.where(jnp.all(x == 0), 0.0, jnp.sqrt(jnp.sum(x * x))))
    verdict, message = _grad(norm, jnp.zeros(3))
    assert verdict == "fail", message
    assert "NaN or infinite gradient at the recorded input" in message


# --- grad: what float32 finite differences can and cannot tell ----------------------------


@jax.jit
def large_square_sum(x: Any) -> Any:
    return jnp.sum(x**2)


@jax.custom_vjp
def slightly_wrong_square(x: Any) -> Any:
    return x**2


slightly_wrong_square.defvjp(lambda x: (x**2, x), lambda x, g: (2.02 * x * g,))


def test_float32_rounding_alone_is_no_failure_it_is_judged_in_float64() -> None:
    # At 500, float32 values of x**2 are rounded by ~0.02: central differences with a step
    # of 1e-3 are off by about a percent, beyond check_grads' tolerance (2e-3).
    verdict, message = _grad(large_square_sum, jnp.array([500.0, 300.0]))
    assert verdict == "pass", message
    assert message == "checked in float64: float32 finite differences were too coarse here"


def test_a_gradient_one_percent_off_still_fails_in_float64() -> None:
    wrong = jax.jit(lambda x: jnp.sum(slightly_wrong_square(x)))
    verdict, message = _grad(wrong, jnp.array([500.0, 300.0]))
    assert verdict == "fail", message
    assert "where the function is smooth" in message and message.endswith("(judged in float64)")


def test_a_function_pinned_to_float32_is_a_skip_within_the_error_bound() -> None:
    # It computes in float32 even under x64: float64 cannot judge it, and float32
    # differences disagree with reverse mode by less than their own rounding error.
    pinned = jax.jit(lambda x: jnp.sum(x.astype(jnp.float32) ** 2))
    verdict, message = _grad(pinned, jnp.array([500.0, 300.0]))
    assert verdict == "skip", message
    assert message.startswith("finite differences cannot judge the gradient at the recorded")
    assert "within their error bound" in message


# --- cost: the probes trace afresh without clearing jax's caches -------------------------


def _compiles_during(call: Any) -> int:
    compiles = []

    def listener(event: str, *_args: Any, **_kwargs: Any) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            compiles.append(event)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        call()
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return len(compiles)


def test_checks_keep_the_compiled_programs_of_other_functions() -> None:
    from jaxlint.verify.probe import prepare_fresh_traces

    prepare_fresh_traces()  # as the plugin does before the tests compile anything
    other = jax.jit(lambda x: jnp.cos(x) * 3.0)
    other(jnp.ones(4)).block_until_ready()
    run_checks(relu_sum, (jnp.array([-1.0, 0.5, 2.0]),))
    assert _compiles_during(lambda: other(jnp.ones(4)).block_until_ready()) == 0


def test_a_leak_is_found_though_the_function_was_traced_before() -> None:
    leaked: list[Any] = []

    @jax.jit
    def leaky_double(x: Any) -> Any:
        leaked.append(x)
        return x * 2

    leaky_double(jnp.ones(2))  # the tests traced it: its trace is cached
    report = run_checks(leaky_double, (jnp.ones(2),), checks=["leaks"])
    assert report.checks["leaks"] == "fail", report.messages


def test_large_outputs_that_do_not_move_leave_float32_judging_alone() -> None:
    # A big constant output (an optimizer's state, a count) adds nothing to the
    # differences once they are projected in float64: float32 judges without a rerun.
    def with_state(x: Any) -> Any:
        return jnp.sin(x) * x, jnp.full(1000, 3.0e4)

    verdict, message = _grad(with_state, jnp.array([0.3, -1.2, 2.0]))
    assert (verdict, message) == ("pass", "")
