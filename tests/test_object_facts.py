"""Facts about Python containers, checked by running them: the methods JL002 counts as
mutations mutate. (The parameters JL011 says need a static value are probed and tested
in tests/test_static_parameters.py.)"""

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
