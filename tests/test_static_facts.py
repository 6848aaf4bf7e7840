"""The tables of calls whose result is static (known at trace time) or boolean, checked
against the installed jax and NumPy by running each call on a tracer: JL006, JL011 and
JL007 stay silent on what these return, so a wrong entry would hide a real bug."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.facts import array_functions as table
from jaxlint.facts import jaxfacts as jf
from jaxlint.facts import probes

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
np = pytest.importorskip("numpy")

Call = Callable[[Any, Any], Any]  # (the listed function, a traced array of shape (3,))

#: One call of each static-result function on a traced ``x``, under an axis named "i".
STATIC_CALLS: dict[str, Call] = {
    "builtins.callable": lambda f, x: f(x),
    "builtins.hasattr": lambda f, x: f(x, "shape"),
    "builtins.id": lambda f, x: f(x),
    "builtins.isinstance": lambda f, x: f(x, jax.Array),
    "builtins.issubclass": lambda f, x: f(type(x), object),
    "builtins.len": lambda f, x: f(x),
    "builtins.repr": lambda f, x: f(x),
    "builtins.str": lambda f, x: f(x),
    "builtins.type": lambda f, x: f(x),
    "jax.core.get_aval": lambda f, x: f(x),
    "jax.default_backend": lambda f, x: f(),
    "jax.device_count": lambda f, x: f(),
    "jax.devices": lambda f, x: f(),
    "jax.local_device_count": lambda f, x: f(),
    "jax.local_devices": lambda f, x: f(),
    "jax.process_count": lambda f, x: f(),
    "jax.process_index": lambda f, x: f(),
    "jax.dtypes.canonicalize_dtype": lambda f, x: f(x.dtype),
    "jax.dtypes.issubdtype": lambda f, x: f(x.dtype, jnp.floating),
    "jax.dtypes.result_type": lambda f, x: f(x),
    "jax.eval_shape": lambda f, x: f(jnp.sin, x),
    "jax.lax.axis_size": lambda f, x: f("i"),
    "jax.lax.broadcast_shapes": lambda f, x: f(x.shape, (1,)),
    "jax.lax.dtype": lambda f, x: f(x),
    "jax.tree.structure": lambda f, x: f({"a": x}),
    "jax.tree_util.tree_structure": lambda f, x: f({"a": x}),
    "jax.typeof": lambda f, x: f(x),
}
for _namespace in ("jax.numpy", "numpy"):
    STATIC_CALLS |= {
        f"{_namespace}.broadcast_shapes": lambda f, x: f(x.shape, (1,)),
        f"{_namespace}.can_cast": lambda f, x: f(x.dtype, np.float64),
        f"{_namespace}.dtype": lambda f, x: f(x.dtype),
        f"{_namespace}.finfo": lambda f, x: f(x.dtype),
        f"{_namespace}.iinfo": lambda f, x: f(np.int32),
        f"{_namespace}.iscomplexobj": lambda f, x: f(x),
        f"{_namespace}.isdtype": lambda f, x: f(x.dtype, "real floating"),
        f"{_namespace}.isrealobj": lambda f, x: f(x),
        f"{_namespace}.isscalar": lambda f, x: f(x),
        f"{_namespace}.issubdtype": lambda f, x: f(x.dtype, np.floating),
        f"{_namespace}.ndim": lambda f, x: f(x),
        f"{_namespace}.promote_types": lambda f, x: f(x.dtype, np.int32),
        f"{_namespace}.result_type": lambda f, x: f(x),
        f"{_namespace}.shape": lambda f, x: f(x),
        f"{_namespace}.size": lambda f, x: f(x),
    }


def test_each_static_result_call_has_a_call() -> None:
    assert STATIC_CALLS.keys() == jf.STATIC_RESULT_CALLS


def _named(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    if module == "builtins":
        return getattr(builtins, attribute)
    found = probes.resolve(name)
    if found is None:  # jax.core.get_aval, jnp.isnat: code written for other versions
        pytest.skip(f"{name} is not in the installed version: nothing to run")
    return found


@pytest.mark.parametrize("name", sorted(STATIC_CALLS))
def test_a_static_result_call_gives_no_tracer_on_a_tracer(name: str) -> None:
    function = _named(name)
    leaves: list[object] = []

    def staged(x: Any) -> Any:
        leaves.extend(jax.tree.leaves(STATIC_CALLS[name](function, x)))
        return x

    jax.jit(jax.vmap(staged, axis_name="i"))(jnp.ones((2, 3)))
    assert not any(isinstance(leaf, jax.core.Tracer) for leaf in leaves)


@pytest.mark.parametrize("name", sorted(jf.BOOLEAN_RESULT_CALLS))
def test_a_boolean_result_call_returns_booleans(name: str) -> None:
    # Probed as an array function; on the sample that showed it, the result is boolean.
    function = _named(name)
    recipe = table.ARRAY_FUNCTIONS[name]
    result = probes._call(function, probes._samples()[recipe]())
    assert result.dtype == jnp.bool_


@pytest.mark.parametrize("name", sorted(jf.JNP_VALUE_SIZED))
def test_a_value_sized_call_refuses_even_a_constant_in_staged_code(name: str) -> None:
    """JL011 reports `jnp.unique(a)` without `size=` in jitted code though `a` is a NumPy
    (or concrete JAX) constant: staged code stages the argument, so its values, and the
    result's size, are unknown. Under ensure_compile_time_eval it runs eagerly."""
    function = getattr(jnp, name)
    values = np.array([0, 1, 1, 3])
    mask = np.array([True, False, True, True])

    def call() -> Any:
        return function(mask, values) if name in ("compress", "extract") else function(values)

    for constant in (values, jnp.asarray(values)):
        values = constant
        with pytest.raises(jax.errors.ConcretizationTypeError):
            jax.jit(call)()

    def eager() -> Any:
        with jax.ensure_compile_time_eval():
            return call()

    jax.jit(eager)()
