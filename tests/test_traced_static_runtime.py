"""What the fixtures of traced values where static ones are needed mark really fails under
jit with the installed jax, with the error the rule names, and their traps run: JL011's
parameters that must be static (fixtures/static_parameters.py), JL006's Python lists,
tuples and dicts and JL007's NumPy arrays indexed by a tracer (fixtures/traced_indices.py)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from jaxlint.facts import static_probes

from conftest import FIXTURES, load_module, marked_functions

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

Call = Callable[[ModuleType], Any]

#: Each function of fixtures/static_parameters.py, called with concrete arguments.
STATIC_CALLS: dict[str, Call] = {
    "normalized": lambda m: m.normalized(jnp.ones(3), 2),
    "column_sums": lambda m: m.column_sums(jnp.ones((2, 2)), 0),
    "best": lambda m: m.best(jnp.ones(5), 2),
    "window": lambda m: m.window(jnp.ones(8), 1, 4),
    "power": lambda m: m.power(jnp.eye(2), 3),
    "noise": lambda m: m.noise_jit(jax.random.key(0), 3),
    "selected": lambda m: m.selected(jnp.ones(3), 2),
}
STATIC_TRAPS: dict[str, Call] = {
    "normalized_static": lambda m: m.normalized_static(jnp.ones((2, 2)), order=2, axis=0),
    "rolled": lambda m: m.rolled(jnp.ones(3), 1),
    "window_static_length": lambda m: m.window_static_length(jnp.ones(8), 1),
    "filled": lambda m: m.filled(jnp.ones(3), 2.0),
    "sized_from_shape": lambda m: m.sized_from_shape(jnp.ones((3, 2))),
    "unjitted": lambda m: m.unjitted(jnp.ones(3), 2),
    "spaced": lambda m: m.spaced(0.0, 1.0),
    "summed_grad": lambda m: m.gradient(jnp.ones((2, 2)), 0),
    "expanded": lambda m: m.expanded(jnp.ones(2), jnp.array([3, 5])),
    "top_rows": lambda m: m.top_rows_pmapped(jnp.ones((1, 2, 3)), 2),
}


def test_static_parameter_bugs_raise_a_refusal_of_a_tracer() -> None:
    assert marked_functions("static_parameters.py", "JL011") == set(STATIC_CALLS)
    module = load_module(FIXTURES / "static_parameters.py", "static_parameters_fixture")
    for name, call in STATIC_CALLS.items():
        with pytest.raises((TypeError, ValueError)) as raised:
            call(module)
        assert static_probes.refuses_tracer(raised.value), name


def test_static_parameter_traps_run() -> None:
    module = load_module(FIXTURES / "static_parameters.py", "static_parameters_fixture_traps")
    for call in STATIC_TRAPS.values():
        call(module)


#: Each function of fixtures/traced_indices.py: its call, and the error a bug raises.
INDEX_CALLS: dict[str, tuple[Call, type[Exception]]] = {
    "rate": (lambda m: m.rate(1), jax.errors.TracerIntegerConversionError),
    "weight": (lambda m: m.weight(jnp.ones(2), 1), jax.errors.TracerArrayConversionError),
    "scale": (lambda m: m.scale(1.0, 1), TypeError),  # unhashable type
    "pick": (lambda m: m.pick(1.0, 2.0, 1), jax.errors.TracerIntegerConversionError),
    "head": (lambda m: m.head(1.0, 2), jax.errors.TracerIntegerConversionError),
    "lookup": (lambda m: m.lookup(1.0, 1), jax.errors.TracerArrayConversionError),
}
INDEX_TRAPS: dict[str, Call] = {
    "rate_static": lambda m: m.rate_static(step=1),
    "weight_array": lambda m: m.weight_array(jnp.ones(2), 1),
    "shape_index": lambda m: m.shape_index(jnp.ones(3), 1),
    "first": lambda m: m.first(1.0),
    "mixed": lambda m: m.mixed(1.0, 1, None),
    "host": lambda m: m.host(1),
    "loop": lambda m: m.loop(1.0),
}


def test_traced_index_bugs_raise_the_named_error() -> None:
    marked = marked_functions("traced_indices.py", "JL006") | marked_functions(
        "traced_indices.py", "JL007"
    )
    assert marked == set(INDEX_CALLS)
    assert marked_functions("traced_indices.py", "JL007") == {"weight", "lookup"}
    module = load_module(FIXTURES / "traced_indices.py", "traced_indices_fixture")
    for name, (call, error) in INDEX_CALLS.items():
        with pytest.raises(error) as raised:
            call(module)
        if error is TypeError:
            assert "unhashable" in str(raised.value), name


def test_traced_index_traps_run() -> None:
    module = load_module(FIXTURES / "traced_indices.py", "traced_indices_fixture_traps")
    for call in INDEX_TRAPS.values():
        call(module)


def test_a_numpy_array_indexed_by_a_tracer_is_refused_and_a_jax_array_is_not() -> None:
    # What JL007's extension rests on, on the installed jax and NumPy.
    table = jnp.arange(5.0).__array__()
    with pytest.raises(jax.errors.TracerArrayConversionError):
        jax.jit(lambda i: table[i])(2)
    assert float(jax.jit(lambda i: jnp.asarray(table)[i])(2)) == 2.0
