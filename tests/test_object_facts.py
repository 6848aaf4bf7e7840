"""Facts about Python containers and jax.numpy's shape parameters, checked by running
them: the methods JL002 counts as mutations mutate, and the parameters JL011 says need a
static value refuse a tracer."""

from __future__ import annotations

import collections
import copy
from collections.abc import Callable
from typing import Any

import pytest

from jaxlint.facts import jaxfacts as jf

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

#: For each mutating method: a container that has it, and arguments that change it.
MUTATIONS: dict[str, tuple[Callable[[], Any], tuple[Any, ...]]] = {
    "append": (lambda: [1], (2,)),
    "extend": (lambda: [1], ([2],)),
    "insert": (lambda: [1], (0, 2)),
    "pop": (lambda: [1], ()),
    "popitem": (lambda: {"a": 1}, ()),
    "remove": (lambda: [1], (1,)),
    "clear": (lambda: [1], ()),
    "update": (lambda: {"a": 1}, ({"b": 2},)),
    "setdefault": (lambda: {"a": 1}, ("b", 2)),
    "add": (lambda: {1}, (2,)),
    "discard": (lambda: {1}, (1,)),
    "sort": (lambda: [2, 1], ()),
    "reverse": (lambda: [1, 2], ()),
    "appendleft": (lambda: collections.deque([1]), (2,)),
    "extendleft": (lambda: collections.deque([1]), ([2],)),
    "popleft": (lambda: collections.deque([1]), ()),
}


def test_each_mutating_method_has_a_case() -> None:
    assert MUTATIONS.keys() == jf.MUTATING_METHODS


@pytest.mark.parametrize("method", sorted(MUTATIONS))
def test_a_mutating_method_changes_its_receiver(method: str) -> None:
    make, args = MUTATIONS[method]
    receiver = make()
    before = copy.copy(receiver)
    getattr(receiver, method)(*args)
    assert receiver != before


def _shape_call(name: str, position: int) -> Callable[[Any], Any]:
    """``jnp.<name>`` with the traced ``n`` at ``position`` and plain values elsewhere."""
    base: dict[str, list[Any]] = {
        "arange": [0, 3, 1],
        "zeros": [3],
        "ones": [3],
        "empty": [3],
        "full": [3, 1.0],
        "eye": [2, 2],
        "identity": [2],
        "linspace": [0.0, 1.0, 3],
        "reshape": [jnp.ones(4), (2, 2)],
        "broadcast_to": [jnp.ones(2), (2, 2)],
        "tile": [jnp.ones(2), 2],
    }

    def call(n: Any) -> Any:
        args = list(base[name])
        args[position] = n
        return getattr(jnp, name)(*args)

    return call


SHAPE_CASES = [
    (name, position)
    for name, (positions, _) in sorted(jf.JNP_SHAPE_ARGUMENTS.items())
    for position in positions
]


@pytest.mark.parametrize(("name", "position"), SHAPE_CASES)
def test_a_shape_argument_refuses_a_tracer(name: str, position: int) -> None:
    call = _shape_call(name, position)
    value = 4 if name == "reshape" else 2  # reshape's 4 elements keep their count
    call(value)  # a concrete value works
    # ConcretizationTypeError, or jax's "Shapes must be ... concrete values" and
    # unhashable-parameter TypeErrors: each is a refusal of the tracer.
    with pytest.raises(TypeError):
        jax.jit(call)(value)
