# ruff: noqa: F722, F821, UP037 - jaxtyping dimension strings are not forward references
"""Traced functions whose inputs come from annotations, pyproject or nowhere.

The jaxtyping names are imported only for type checkers, so this module imports without
jaxtyping installed; verify reads the annotations as strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp

if TYPE_CHECKING:
    from jaxtyping import Array, Float, Int


@jax.jit
def matvec(m: Float[Array, "n k"], v: Float[Array, "k"]) -> Float[Array, "n"]:
    return m @ v


@jax.jit
def shift(x: Float[Array, "b n"], by: float, flag: bool, eps: float = 1e-6) -> Float[Array, "b n"]:
    return jnp.where(flag, x + by, x) / (1.0 + eps)


@jax.jit
def pick(x: Float[Array, "n"], i: Int[Array, ""]) -> Float[Array, ""]:
    return x[i] * 2.0


@jax.jit
def unannotated(x):
    return x + 1


@jax.jit
def from_pyproject(x):
    return jnp.sum(x**2)


@jax.jit
def set_first(x: Float[Array, "n"]) -> Float[Array, "n"]:
    x = x.at[0].set(1.0)
    x[0] = 1.0  # flagged statically (in-place update); fails under jit at runtime
    return x


def outer(xs: Float[Array, "n"]) -> Float[Array, ""]:
    def body(carry, x):
        return carry + x, None

    total, _ = jax.lax.scan(body, 0.0, xs)
    return total
