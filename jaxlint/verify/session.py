"""What the pytest plugin does at the end of a session: rebuild each observed function's
recorded arguments and run the verify checks on them (:func:`verify_observed`)."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any

from jaxlint.verify.observe import LeafKind, Observation, Observer
from jaxlint.verify.result import CHECK_NAMES, FAIL, PASS, FunctionResult
from jaxlint.verify.signatures import shown_signature


def device_description() -> str:
    import jax

    from jaxlint.verify.worker import describe_device

    platform = jax.default_backend()
    return describe_device(platform, getattr(jax.devices()[0], "device_kind", ""))


def rebuild_arguments(observation: Observation) -> tuple[tuple[Any, ...], dict[str, Any]]:
    import jax
    import jax.numpy as jnp

    leaves = []
    for leaf in observation.leaves or []:
        if leaf.kind is LeafKind.JAX_ARRAY:
            leaves.append(jnp.asarray(leaf.value))
        elif leaf.kind is LeafKind.TYPED_KEY:
            leaves.append(jax.random.wrap_key_data(jnp.asarray(leaf.value), impl=leaf.key_impl))
        elif leaf.kind is LeafKind.NUMPY_ARRAY:
            leaves.append(leaf.value.copy())
        else:
            leaves.append(leaf.value)
    args, kwargs = jax.tree_util.tree_unflatten(observation.treedef, leaves)
    return tuple(args), dict(kwargs)


def verify_observed(
    observer: Observer,
    *,
    checks: Sequence[str] = CHECK_NAMES,
    max_traces: int = 1,
    claim: Callable[[str], bool] | None = None,
) -> list[FunctionResult]:
    """The verify checks on the recorded inputs of each observed function the tests
    called, plus `retrace` from what the tests themselves traced. With `claim` (xdist
    workers), a function another process claimed first gets only the latter: that
    process runs the checks, and the reports merge check by check."""

    from jaxlint.verify.checks import timed_run_checks

    device = device_description()
    results = []
    for _, observation in sorted(observer.observations.items()):
        if not (observation.concrete_calls or observation.nested_calls):
            continue  # imported and wrapped, but no test called it
        result = FunctionResult(
            module=observation.module,
            qualname=observation.qualname,
            path=observation.path,
            line=observation.line,
            device=device,
        )
        results.append(result)
        reason = _why_not_checked(observation)
        if reason is not None:
            result.messages["hint"] = reason
            continue
        if claim is not None and not claim(f"{result.path}:{result.line}:{result.function}"):
            if "retrace" in checks:
                _retrace_from_the_tests(observation, result, max_traces)
            continue
        try:
            args, kwargs = rebuild_arguments(observation)
            fn = observation.transformed
            if kwargs:
                fn = functools.partial(fn, **kwargs)
            with _full_precision():
                report, seconds = timed_run_checks(
                    fn, args, module=sys.modules.get(observation.module), checks=checks
                )
        except Exception as error:  # jaxlint's own failure: report it, blame nothing
            result.messages["hint"] = (
                f"jaxlint could not verify it: {type(error).__name__}: {error}"
            )
            continue
        result.checks = report.checks
        result.messages.update(report.messages)
        result.seconds = seconds
        if "retrace" in checks:
            _retrace_from_the_tests(observation, result, max_traces)
    return results


def _full_precision() -> contextlib.AbstractContextManager[Any]:
    """Full float32 matrix products, without which an accelerator's finite differences
    are too coarse for `grad`. The CPU computes them so by default: there the tests' own
    compiled programs (whose cache keys hold the precision) serve the checks again."""
    import jax

    if jax.default_backend() == "cpu":
        return contextlib.nullcontext()
    return jax.default_matmul_precision("highest")


def _why_not_checked(observation: Observation) -> str | None:
    if observation.not_recorded is not None:
        return observation.not_recorded
    if observation.leaves is None:
        return (
            "called only inside other transformations (with tracers), so no concrete "
            "inputs were recorded"
        )
    return None


def _retrace_from_the_tests(
    observation: Observation, result: FunctionResult, max_traces: int
) -> None:
    """Fail `retrace` when the tests traced one function object for one input signature
    more than `max_traces` times."""
    if not observation.traces:
        return
    trace_key, traces = max(observation.traces.items(), key=lambda item: (item[1], repr(item[0])))
    signature = trace_key[1]
    if traces <= max_traces:
        if result.checks.get("retrace") == FAIL:
            return  # the probe's own finding stands
        result.checks["retrace"] = PASS
        return
    compiles = observation.compiles.get(trace_key, 0)
    message = (
        f"the tests traced it {traces} times ({compiles} compiled) for one input signature "
        f"{shown_signature(signature)}; at most {max_traces} allowed (--jax-max-traces)"
    )
    cause = observation.causes.get(trace_key)
    if cause:
        message += f"; {cause}"
    result.checks["retrace"] = FAIL
    result.messages["retrace"] = message
