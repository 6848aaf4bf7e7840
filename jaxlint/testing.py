"""Helpers for users' own test suites.

    from jaxlint.testing import assert_jax_safe

    def test_step_is_jax_safe():
        assert_jax_safe(train_step, params, batch)

Runs the same checks as `jaxlint verify` (jit, grad, retrace, leaks, effects, keys) in the
calling process, and raises AssertionError with the report if any check fails.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from jaxlint.verify.result import CHECK_NAMES, FAIL, PASS, SKIP

__all__ = ["assert_jax_safe"]


def assert_jax_safe(
    fn: Callable[..., Any],
    *args: Any,
    checks: Sequence[str] | None = None,
    allow_skips: bool = True,
) -> None:
    """Check that `fn(*args)` behaves the same eagerly and under `jax.jit`, differentiates
    correctly, does not retrace, leak tracers, have trace-time-only effects or reuse a PRNG key.

    `checks` narrows the checks run (names from `jaxlint.verify.CHECK_NAMES`). With
    `allow_skips=False`, a check that could not run (say `grad` on integer-only
    arguments) fails the assertion too. Keyword arguments of `fn` can be bound with
    `functools.partial`. Clears JAX's compilation caches, as every probe must trace
    afresh.
    """
    import jax

    from jaxlint.verify.checks import run_checks

    selected = list(CHECK_NAMES) if checks is None else list(checks)
    unknown = [name for name in selected if name not in CHECK_NAMES]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; choose from {list(CHECK_NAMES)}")
    module = inspect.getmodule(inspect.unwrap(fn))
    with jax.default_matmul_precision("highest"):
        report = run_checks(fn, args, module=module, checks=selected)

    failed = [name for name in selected if report.checks[name] == FAIL]
    skipped = [name for name in selected if report.checks[name] == SKIP]
    if failed or (skipped and not allow_skips) or PASS not in report.checks.values():
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
        lines = [f"{name} is not JAX-safe:"]
        for check in selected:
            status = report.checks[check]
            message = report.messages.get(check)
            lines.append(f"  {check}: {status}" + (f": {message}" if message else ""))
        raise AssertionError("\n".join(lines))
