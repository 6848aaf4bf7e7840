"""The transformation facts the tracing model rests on (facts/transforms.py), established
by running each claim with the installed jax (and equinox, flax, haiku where installed):
which transformations stage Python out, which trace their arguments, what
``functools.partial`` binds, what ``ensure_compile_time_eval`` makes concrete and what
equinox's ``filter_*`` family keeps static. Each claim is also checked against what the
linter says of the same code."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from jaxlint.config import Settings
from jaxlint.driver.engine import lint_python_source
from jaxlint.facts import jaxfacts as jf

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def _resolve(dotted: str) -> Any:
    """The object a canonical dotted name names in the installed libraries."""
    module_name, _, attribute = dotted.rpartition(".")
    module = pytest.importorskip(module_name)
    return getattr(module, attribute)


def _raises_on_tracer(call: Any) -> bool:
    """Whether ``call()`` fails because Python asked a tracer for a concrete value."""
    try:
        call()
    except jax.errors.ConcretizationTypeError:  # TracerBoolConversionError's base
        return True
    return False


def _jl006_lines(source: str) -> list[int]:
    result = lint_python_source(textwrap.dedent(source), "example.py", Settings(select=("JL006",)))
    assert result.errors == []
    return [finding.line for finding in result.findings]


def _run(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(source), "example.py", "exec"), namespace)
    return namespace


# ------------------------------------------------------- ensure_compile_time_eval

EAGER_SOURCE = """
import jax
import jax.numpy as jnp

@jax.jit
def constants(x):
    with jax.ensure_compile_time_eval():
        n = jnp.sum(jnp.arange(4))
        scale = 2.0 if n > 3 else 3.0
        count = int(n)
    return x * scale * count

@jax.jit
def on_argument(x):
    with jax.ensure_compile_time_eval():
        y = jnp.sum(x)
        if y > 0:
            return x
    return -x
"""


@pytest.mark.parametrize("name", sorted(jf.EAGER_CONTEXTS))
def test_eager_contexts_name_jax_s_context_manager(name: str) -> None:
    assert _resolve(name) is jax.ensure_compile_time_eval


def test_ensure_compile_time_eval_makes_constants_concrete_but_not_tracers() -> None:
    functions = _run(EAGER_SOURCE)
    assert float(functions["constants"](1.0)) == 12.0
    assert _raises_on_tracer(lambda: functions["on_argument"](1.0))
    # The linter agrees: only the test on the traced argument's sum is flagged.
    assert _jl006_lines(EAGER_SOURCE) == [17]


# ------------------------------------------------------------ functools.partial

PARTIAL_SOURCE = """
import functools
import jax
import jax.numpy as jnp

def add_if(x, flag):
    if flag:
        return x + 1
    return x

def scale_leaf(n, x):
    if n > 2:
        return x * n
    return x

def clip_leaf(limit, x):
    if x > limit:
        return limit
    return x

keyword_bound = jax.jit(functools.partial(add_if, flag=True))
positional_bound = jax.vmap(functools.partial(scale_leaf, 3))

@jax.jit
def scale_all(tree):
    return jax.tree_util.tree_map(functools.partial(scale_leaf, 3), tree)

@jax.jit
def clip_all(tree):
    return jax.tree_util.tree_map(functools.partial(clip_leaf, 1.0), tree)
"""


def test_arguments_bound_by_partial_are_constants_and_the_rest_are_traced() -> None:
    functions = _run(PARTIAL_SOURCE)
    assert float(functions["keyword_bound"](1.0)) == 2.0
    assert functions["positional_bound"](jnp.ones(2)).tolist() == [3.0, 3.0]
    assert [float(v) for v in functions["scale_all"]([1.0, 2.0])] == [3.0, 6.0]
    assert _raises_on_tracer(lambda: functions["clip_all"]([1.0, 2.0]))
    # The linter agrees: only clip_leaf's test of its leaf is flagged.
    assert _jl006_lines(PARTIAL_SOURCE) == [17]


# ------------------------------------------------- equinox: array leaves only

FILTER_SOURCE = """
import equinox as eqx
import jax
import jax.numpy as jnp

@eqx.filter_jit
def forward(x, flag, scale):
    if flag:
        x = x * scale
    if scale > 1:
        x = x / scale
    return jnp.tanh(x)

@eqx.filter_jit
def annotated(x: jax.Array):
    if x > 0:
        return x
    return -x

@eqx.filter_jit
def used(x):
    y = jnp.abs(x)
    if x > 0:
        return y
    return -y

@eqx.filter_grad
def loss(x, flag):
    if flag:
        return x * x
    return x
"""


def test_filter_transformations_trace_arrays_and_keep_python_values_static() -> None:
    pytest.importorskip("equinox")
    functions = _run(FILTER_SOURCE)
    one = jnp.ones(())
    assert float(functions["forward"](one, True, 2.0)) == pytest.approx(float(jnp.tanh(1.0)))
    assert float(functions["loss"](one, True)) == 2.0
    assert _raises_on_tracer(lambda: functions["annotated"](one))
    assert _raises_on_tracer(lambda: functions["used"](one))
    # A Python scalar stays static under filter_jit, even where an array would be traced.
    assert float(functions["annotated"](2.0)) == 2.0
    # The linter agrees: parameters are traced only where they are known to be arrays.
    assert _jl006_lines(FILTER_SOURCE) == [16, 23]


def test_array_leaves_only_is_what_equinox_does() -> None:
    """Every ``array_leaves_only`` entry names an equinox function, and equinox's own
    predicate for what its filters trace says: arrays yes, Python values no."""
    eqx = pytest.importorskip("equinox")
    import numpy as np

    filtering = [name for name, t in jf.TRANSFORMS.items() if t.array_leaves_only]
    assert filtering and all(name.startswith("equinox.") for name in filtering)
    for name in filtering:
        assert callable(_resolve(name)), name
    assert [eqx.is_array(v) for v in (jnp.ones(()), np.ones(()), True, 2.0, 3, "a")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
