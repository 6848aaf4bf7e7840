# ruff: noqa: F722, F821, UP037 - jaxtyping dimension strings are not forward references
"""Example inputs and `assert_jax_safe`, run in this process (no worker)."""

from __future__ import annotations

import functools
import importlib
import os
import sys
import types
from pathlib import Path

import pytest

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

from jaxlint.testing import assert_jax_safe  # noqa: E402
from jaxlint.verify.checks import compare_outputs  # noqa: E402
from jaxlint.verify.inputs import (  # noqa: E402
    BadExample,
    NoInputs,
    derive_from_annotations,
    resolve_example,
)

CASES = Path(__file__).parent / "verify_cases"


@pytest.fixture(scope="module")
def core() -> types.ModuleType:
    sys.path.insert(0, str(CASES))
    try:
        return importlib.import_module("vc_core")
    finally:
        sys.path.remove(str(CASES))


def shapes(args: tuple) -> list[tuple[int, ...]]:
    return [tuple(jnp.shape(arg)) for arg in args]


# --- annotations -------------------------------------------------------------------------


def test_string_annotations_get_consistent_distinct_sizes() -> None:
    def matvec(m: "Float[Array, 'n k']", v: "Float[Array, 'k']", eps: float = 0.5) -> None:
        pass

    m, v = derive_from_annotations(matvec, "matvec", "mod")  # eps keeps its default
    n, k = m.shape
    assert v.shape == (k,)
    assert n != k
    assert m.dtype == jnp.float32


def test_python_scalar_annotations() -> None:
    def f(a: float, b: int, c: bool, d: int = 7) -> None:
        pass

    assert derive_from_annotations(f, "f", "mod") == (1.5, 1, True)


def test_unannotated_parameter_gives_a_hint() -> None:
    def f(x, y: float) -> None:
        pass

    with pytest.raises(NoInputs, match=r"no inputs for `x`.*JAXLINT_EXAMPLES.*mod:f"):
        derive_from_annotations(f, "f", "mod")


def test_jaxtyping_annotations() -> None:
    jaxtyping = pytest.importorskip("jaxtyping")
    Array, Float, Int, Bool = jaxtyping.Array, jaxtyping.Float, jaxtyping.Int, jaxtyping.Bool

    def f(
        x: Float[Array, "b n"],
        idx: Int[Array, " b"],
        mask: Bool[Array, "*batch n"],
        y: Float[Array, "3 n+1"],
    ) -> None:
        pass

    x, idx, mask, y = derive_from_annotations(f, "f", "mod")
    b, n = x.shape
    assert len({b, n, 3}) == 3  # distinct, and clear of the fixed size 3
    assert idx.shape == (b,) and jnp.issubdtype(idx.dtype, jnp.integer)
    assert mask.shape == (n,) and mask.dtype == jnp.bool_
    assert y.shape == (3, n + 1)
    assert bool(jnp.all(x > 0))


# --- precedence --------------------------------------------------------------------------


def test_pyproject_expression_wins_over_module_examples() -> None:
    module = types.ModuleType("m")
    module.JAXLINT_EXAMPLES = {"f": (jnp.ones(2),), "g": lambda: (jnp.zeros(3), 2)}

    def f(x: float) -> float:
        return x

    example = resolve_example(module, "f", f, "(jnp.ones((3, 4)), 2.0)")
    assert example.source == "pyproject" and shapes(example.args) == [(3, 4), ()]
    example = resolve_example(module, "f", f, None)
    assert example.source == "JAXLINT_EXAMPLES" and shapes(example.args) == [(2,)]
    example = resolve_example(module, "g", f, None)  # a callable value is called
    assert shapes(example.args) == [(3,), ()]
    example = resolve_example(module, "h", f, None)
    assert example.source == "annotations" and example.args == (1.5,)


def test_bad_expression_is_reported() -> None:
    with pytest.raises(BadExample, match="NameError"):
        resolve_example(types.ModuleType("m"), "f", lambda x: x, "(undefined_name,)")


def test_compare_outputs_names_the_first_differing_leaf() -> None:
    eager = {"a": jnp.ones(3), "b": (jnp.zeros(2), jnp.array([1.0, jnp.nan]))}
    same = {"a": jnp.ones(3) + 1e-7, "b": (jnp.zeros(2), jnp.array([1.0, jnp.nan]))}
    assert compare_outputs(eager, same) is None  # within tolerance, NaN equals NaN
    changed = {"a": jnp.ones(3), "b": (jnp.zeros(2), jnp.array([1.5, jnp.nan]))}
    assert "output['b'][1]" in compare_outputs(eager, changed)
    assert "structure" in compare_outputs(eager, [jnp.ones(3)])
    assert "shape" in compare_outputs(jnp.ones(3), jnp.ones(4))
    assert compare_outputs(jnp.arange(3), jnp.arange(3) + 1) is not None  # ints are exact


# --- assert_jax_safe ---------------------------------------------------------------------


def test_assert_jax_safe_passes_a_pure_function(core: types.ModuleType) -> None:
    assert_jax_safe(core.pure_affine, jnp.ones((3, 4)), jnp.ones((4, 2)) * 0.5)
    assert_jax_safe(core.gather_row, jnp.arange(6.0).reshape(2, 3), 1)


def test_assert_jax_safe_reports_a_traced_if(core: types.ModuleType) -> None:
    with pytest.raises(AssertionError, match=r"(?s)relu_if is not JAX-safe.*jit: fail.*TracerBool"):
        assert_jax_safe(core.relu_if, jnp.ones(3))


def test_assert_jax_safe_reports_a_wrong_gradient(core: types.ModuleType) -> None:
    with pytest.raises(AssertionError, match="grad: fail"):
        assert_jax_safe(core.wrong_vjp_sin, jnp.array([0.1, 0.5]), checks=["grad"])


def test_assert_jax_safe_reports_a_reused_key(core: types.ModuleType) -> None:
    key = jax.random.key(0)
    with pytest.raises(AssertionError, match="keys: fail: a PRNG key is used twice"):
        assert_jax_safe(core.reuses_key, key, jnp.ones(3), checks=["keys"])
    # A raw key, checked as a typed key.
    with pytest.raises(AssertionError, match=r"keys: fail: a PRNG key is used twice \(raw keys"):
        assert_jax_safe(core.reuses_key, jax.random.PRNGKey(0), jnp.ones(3), checks=["keys"])


def test_assert_jax_safe_with_partial_and_strict_skips(core: types.ModuleType) -> None:
    scaled = functools.partial(core.gather_row, i=0)
    assert_jax_safe(scaled, jnp.ones((2, 2)), checks=["jit", "grad"])
    with pytest.raises(AssertionError, match="grad: skip"):
        assert_jax_safe(core.count_positive, 4, allow_skips=False)
    with pytest.raises(ValueError, match="unknown check"):
        assert_jax_safe(core.pure_affine, jnp.ones(2), checks=["speed"])
