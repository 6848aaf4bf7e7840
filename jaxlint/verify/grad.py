"""The `grad` check: `check_grads` in reverse mode against finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxlint.verify.probe import CheckReport, describe_exception, shorten
from jaxlint.verify.result import FAIL, PASS, SKIP


def _is_floating(leaf: Any) -> bool:
    if isinstance(leaf, bool):
        return False
    if isinstance(leaf, float):
        return True
    dtype = getattr(leaf, "dtype", None)
    return dtype is not None and jnp.issubdtype(dtype, jnp.floating)


def check_grad(
    fn: Callable[..., Any], args: tuple[Any, ...], report: CheckReport, jit_error: str | None
) -> None:
    """`check_grads` in reverse mode against finite differences.

    Only the floating-point argument leaves are varied; integer and boolean leaves
    (indices, sizes, flags) are held fixed, since they cannot be differentiated.
    """
    from jax.test_util import check_grads

    jax.clear_caches()
    leaves, treedef = jax.tree_util.tree_flatten(args)
    float_positions = [i for i, leaf in enumerate(leaves) if _is_floating(leaf)]
    if not float_positions:
        report.set("grad", SKIP, "not differentiable: no floating-point argument")
        return
    primals = tuple(jnp.asarray(leaves[i]) for i in float_positions)

    def call(*float_leaves: Any) -> Any:
        merged = list(leaves)
        for position, leaf in zip(float_positions, float_leaves, strict=True):
            # check_grads evaluates finite differences on NumPy arrays; the function
            # expects JAX arrays (`.at[]`, for one).
            merged[position] = jnp.asarray(leaf)
        return fn(*jax.tree_util.tree_unflatten(treedef, merged))

    try:
        sample = call(*primals)
        output_leaves = jax.tree_util.tree_leaves(sample)
        differentiable = [
            i for i, leaf in enumerate(output_leaves) if _is_floating(jnp.asarray(leaf))
        ]
        if not differentiable:
            report.set("grad", SKIP, "not differentiable: no floating-point output")
            return
        scalar_output = len(output_leaves) == 1 and jnp.ndim(output_leaves[0]) == 0
        if scalar_output:
            target = call
        else:
            # A fixed random projection turns any output into a scalar whose gradient
            # exercises every output element.
            key = jax.random.PRNGKey(0)
            projections = {
                i: jax.random.normal(
                    jax.random.fold_in(key, i),
                    jnp.shape(output_leaves[i]),
                    jnp.asarray(output_leaves[i]).dtype,
                )
                for i in differentiable
            }

            def target(*float_leaves: Any) -> Any:
                out = jax.tree_util.tree_leaves(call(*float_leaves))
                return sum(jnp.vdot(projections[i], out[i]) for i in differentiable)

        check_grads(target, primals, order=1, modes=("rev",), eps=_finite_difference_step(primals))
    except AssertionError as error:
        report.set("grad", FAIL, "gradient differs from finite differences: " + _grad_detail(error))
        return
    except Exception as error:
        if jit_error is None:
            report.set("grad", FAIL, f"differentiating raised {describe_exception(error)}")
        else:
            report.set("grad", SKIP, "not run: the function does not jit")
        return
    report.set("grad", PASS)


def _finite_difference_step(primals: tuple[Any, ...]) -> float:
    """A step suited to the coarsest float argument: jax's default (1e-4) leaves float32
    central differences with rounding noise near check_grads' own tolerance."""
    bits = min(np.dtype(jnp.asarray(p).dtype).itemsize * 8 for p in primals)
    if bits <= 16:
        return 1e-2
    if bits <= 32:
        return 1e-3
    return 1e-4


def _grad_detail(error: AssertionError) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    wanted = [
        line
        for line in lines
        if line.startswith(("Max absolute", "Max relative", "ACTUAL", "DESIRED", "Not equal"))
    ]
    return shorten("; ".join(wanted or lines[:3]), 300)


# --- keys --------------------------------------------------------------------------------
