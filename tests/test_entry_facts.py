"""What a function's parameter holds on each way into it, run on the installed jax: the
facts behind "a traced argument is a JAX array only where every entry makes it one"
(``ArrayFacts.entered_as_given``, ``ArrayProof.EXPOSED``), which decide whether JL001
reports ``x[i] = v`` and whether its fix ``x = x.at[i].set(v)`` is safe. NumPy arrays
have ``.shape``, ``.ndim``, ``.size``, ``.dtype`` and ``.T`` too, and take item
assignment: such evidence says "an array", not "a JAX array", unless a transformation
made it a tracer on every path."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts.transforms import TransformKind

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")


def _fill(x: Any) -> Any:
    n = x.shape[0]
    x[0] = 1.0
    return x * n


TRACING = {
    "jax.jit": lambda x: jax.jit(_fill)(x),
    "jax.vmap": lambda x: jax.vmap(_fill)(x),
    "jax.checkpoint": lambda x: jax.checkpoint(_fill)(x),
    "jax.eval_shape": lambda x: jax.eval_shape(_fill, x),
    "jax.lax.map": lambda x: jax.lax.map(_fill, x),
}


@pytest.mark.parametrize("name", sorted(TRACING))
def test_a_transformation_that_passes_arrays_makes_a_numpy_argument_a_tracer(name: str) -> None:
    # Under these (kinds that pass arrays), `x[0] = v` on an argument read by `.shape`
    # raises even when the caller passes a NumPy array: the finding is right there.
    from jaxlint.facts.jaxfacts import TRANSFORMS

    assert TRANSFORMS[name].kind.passes_arrays
    with pytest.raises(TypeError, match="immutable"):
        TRACING[name](np.zeros((2, 3)))


def test_the_function_handed_to_jit_still_runs_as_is_on_numpy() -> None:
    # `g = jax.jit(f)` leaves `f` callable: there `x[0] = v` is working code, writing the
    # caller's buffer, and the rewrite `x.at[0].set(v)` fails.
    buffer = np.zeros(3)
    jitted = jax.jit(_fill)
    assert list(_fill(buffer)) == [3.0, 0.0, 0.0]
    assert buffer[0] == 1.0  # written in place
    with pytest.raises(TypeError):
        jitted(np.zeros(3))
    with pytest.raises(AttributeError):
        np.zeros(3).at  # noqa: B018 - the rewrite's first step on a NumPy array


def test_vmap_hands_an_unmapped_argument_over_as_given() -> None:
    seen: list[type] = []

    def add_row(x: Any, table: Any) -> Any:
        seen.append(type(table))
        table[0] = 1.0  # works: a NumPy array, untouched by vmap
        return x + table.shape[0]

    table = np.zeros(3)
    jax.vmap(add_row, in_axes=(0, None))(jnp.ones(2), table)
    assert seen == [np.ndarray]
    assert table[0] == 1.0


def test_grad_hands_its_other_arguments_over_as_given() -> None:
    # GRAD does not pass arrays: only the differentiated argument becomes a tracer.
    seen: list[type] = []

    def loss(w: Any, data: Any) -> Any:
        seen.append(type(data))
        return (w * data.sum()).sum()

    jax.grad(loss)(jnp.ones(2), np.ones(3))
    assert seen == [np.ndarray]
    assert not TransformKind.GRAD.passes_arrays


def test_under_disable_jit_a_jitted_function_runs_on_the_callers_values() -> None:
    # A debugging switch the linter does not model: there even a decorated function's
    # `x[0] = v` works on a NumPy array (the fix stays safe: the code is meant for jit).
    seen: list[type] = []

    @jax.jit
    def f(x: Any) -> Any:
        seen.append(type(x))
        return x

    with jax.disable_jit():
        f(np.zeros(3))
    assert seen == [np.ndarray]


CASES = {
    # decorated: every call goes through jit
    "decorated": ("@jax.jit\ndef fill(x):", "", ["safe"]),
    # handed to jit and called as is on NumPy in this file: no claim
    "also_eager": ("def fill(x):", "g = jax.jit(fill)\nout = fill(np.zeros(3))", []),
    # handed to jit only here, but another module may call it as is
    "exposed": ("def fill(x):", "g = jax.jit(fill)", ["unsafe"]),
    # vmap(in_axes=None): the caller's value
    "unmapped": ("def fill(y, x):", "g = jax.vmap(fill, in_axes=(0, None))", []),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_linter_claims_and_fixes_only_what_every_entry_proves(case: str) -> None:
    header, tail, expected = CASES[case]
    source = (
        "import jax\nimport numpy as np\n"
        f"{header}\n    n = x.shape[0]\n    x[0] = 1.0\n    return x * n\n{tail}\n"
    )
    result = lint_python_source(textwrap.dedent(source), "example.py", Settings(select=("JL001",)))
    assert result.errors == []
    found = [f.fix.applicability.value if f.fix else None for f in result.findings]
    assert found == expected


NNX_SOURCE = """
from flax import nnx

@nnx.jit
def bump(count):
    n = count.shape[0]
    count[0] = count[0] + n
    return count
"""


def test_an_nnx_variable_acts_as_an_array_and_takes_item_assignment_under_jit() -> None:
    # GRAPH_NODE_MODULES: jit hands a Variable through as itself; it has .shape and .at
    # and takes `v[i] = x`, so using an argument as an array proves no JAX array there.
    from jaxlint.facts import jaxfacts as jf

    nnx = pytest.importorskip("flax.nnx")
    assert "flax.nnx" in jf.GRAPH_NODE_MODULES
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(NNX_SOURCE), "example.py", "exec"), namespace)
    count = nnx.Param(jnp.zeros(3))
    assert count.shape == (3,) and hasattr(count, "at")
    namespace["bump"](count)
    assert list(count[...]) == [3.0, 0.0, 0.0]  # written in place, by design
    seen: list[type] = []
    jax.jit(lambda v: seen.append(type(v)))(nnx.Param(jnp.zeros(3)))
    assert seen == [nnx.Param]
    fixed = NNX_SOURCE.replace("count[0] = count[0] + n", "count = count.at[0].set(count[0] + n)")
    exec(compile(textwrap.dedent(fixed), "example.py", "exec"), namespace)
    untouched = nnx.Param(jnp.zeros(3))
    namespace["bump"](untouched)
    assert list(untouched[...]) == [0.0, 0.0, 0.0]  # the rewrite loses the update


def test_the_linter_makes_no_claim_on_an_argument_an_nnx_variable_may_be() -> None:
    result = lint_python_source(
        textwrap.dedent(NNX_SOURCE), "example.py", Settings(select=("JL001",))
    )
    assert result.findings == []
