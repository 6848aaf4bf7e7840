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


class _Holder:
    def __init__(self) -> None:
        self.cache = 1


ATTRIBUTE = "cache"  # the name each call below is given as a string

#: For each builtin that touches an attribute named by a string: a call of it on a
#: holder, and what the holder's ``cache`` is afterwards (``None``: deleted).
NAMED_ACCESS: dict[str, tuple[Callable[[_Holder], Any], Any]] = {
    "builtins.getattr": (lambda holder: getattr(holder, ATTRIBUTE), 1),
    "builtins.hasattr": (lambda holder: hasattr(holder, ATTRIBUTE), 1),
    "builtins.setattr": (lambda holder: setattr(holder, ATTRIBUTE, 2), 2),
    "builtins.delattr": (lambda holder: delattr(holder, ATTRIBUTE), None),
}


def test_each_named_attribute_call_has_a_case() -> None:
    assert NAMED_ACCESS.keys() == jf.NAMED_ATTRIBUTE_CALLS


@pytest.mark.parametrize("name", sorted(NAMED_ACCESS))
def test_a_named_attribute_call_touches_the_attribute_it_names(name: str) -> None:
    """Each one reads, writes or tests the attribute its string argument names: the
    holder's ``cache`` is what it read or left, and a holder without one answers
    differently (AttributeError, or False from ``hasattr``)."""
    call, after = NAMED_ACCESS[name]
    holder = _Holder()
    result = call(holder)
    assert getattr(holder, ATTRIBUTE, None) == after
    bare = _Holder.__new__(_Holder)  # no ``cache``
    if name == "builtins.setattr":
        call(bare)
        assert bare.cache == 2
    elif name == "builtins.hasattr":
        assert (result, call(bare)) == (True, False)
    else:
        with pytest.raises(AttributeError):
            call(bare)
