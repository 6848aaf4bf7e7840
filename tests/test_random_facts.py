"""The PRNG key facts JL005 relies on, checked against the installed jax: a call in
``KEY_MAKING_CALLS`` returns a key (a typed key array, or a legacy ``uint32[2]`` key),
so a name bound to its result holds one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jaxlint.facts import jaxfacts as jf

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def _is_key(value: object) -> bool:
    dtype = getattr(value, "dtype", None)
    if dtype is not None and jnp.issubdtype(dtype, jax.dtypes.prng_key):
        return True
    # A legacy raw key: uint32, last axis 2 (`split` stacks them).
    return dtype == jnp.uint32 and getattr(value, "shape", ())[-1:] == (2,)


#: How to call each key-making function with a key made by `jax.random.key`.
_CALLS: dict[str, Callable[[object], object]] = {
    "jax.random.key": lambda key: jax.random.key(0),
    "jax.random.PRNGKey": lambda key: jax.random.PRNGKey(0),
    "jax.random.split": lambda key: jax.random.split(key),
    "jax.random.fold_in": lambda key: jax.random.fold_in(key, 3),
    "jax.random.clone": lambda key: jax.random.clone(key),
    "jax.random.wrap_key_data": lambda key: jax.random.wrap_key_data(jax.random.key_data(key)),
}


def test_every_key_making_call_is_exercised() -> None:
    assert set(_CALLS) == set(jf.KEY_MAKING_CALLS)


@pytest.mark.parametrize("name", sorted(jf.KEY_MAKING_CALLS))
def test_a_key_making_call_returns_a_key(name: str) -> None:
    module, _, attribute = name.rpartition(".")
    assert module == "jax.random" and hasattr(jax.random, attribute)
    assert _is_key(_CALLS[name](jax.random.key(1)))


def test_an_array_is_no_key() -> None:
    # What `_is_key` tells apart: a draw is an array, not a key.
    assert not _is_key(jax.random.normal(jax.random.key(0), (2,)))


#: How to call each elementwise select with a mask and the values 10, 20 (and 30).
_SELECTS: dict[str, Callable[[object, object, object], object]] = {
    "jax.numpy.where": lambda mask, a, b: jnp.where(mask, a, b),
    "jax.lax.select": lambda mask, a, b: jax.lax.select(mask, a, b),
    "jax.lax.select_n": lambda mask, a, b: jax.lax.select_n(mask, b, a),
}


def test_every_elementwise_select_is_exercised() -> None:
    assert set(_SELECTS) == set(jf.ELEMENTWISE_SELECTS)


@pytest.mark.parametrize("name", sorted(jf.ELEMENTWISE_SELECTS))
def test_an_elementwise_select_takes_each_element_from_one_value(name: str) -> None:
    """Each element of the result is the same element of one value argument, never a
    mix of two: draws given to different arguments do not meet in an element."""
    module, _, attribute = name.rpartition(".")
    namespace = {"jax.numpy": jnp, "jax.lax": jax.lax}[module]
    assert hasattr(namespace, attribute)
    assert jf.ELEMENTWISE_SELECTS[name] == 1  # the condition (or index) goes first
    mask = jnp.array([True, False, True, False])
    first, second = jnp.arange(4.0) + 10, jnp.arange(4.0) + 20
    picked = _SELECTS[name](mask, first, second)
    assert picked.tolist() == [10.0, 21.0, 12.0, 23.0]


def test_a_field_storing_call_keeps_the_key_unchanged() -> None:
    # `state.replace(rng=key)` stores the key as a field: the same object, nothing drawn.
    import dataclasses
    from typing import NamedTuple

    key = jax.random.key(0)

    @dataclasses.dataclass(frozen=True)
    class Record:
        rng: object = None

    class Pair(NamedTuple):
        rng: object = None

    assert jf.FIELD_STORING_CALLS == {"dataclasses.replace"}
    assert dataclasses.replace(Record(), rng=key).rng is key
    assert "_replace" in jf.FIELD_STORING_METHODS and Pair()._replace(rng=key).rng is key
    chex = pytest.importorskip("chex")

    @chex.dataclass(frozen=True)
    class State:
        rng: object = None

    assert "replace" in jf.FIELD_STORING_METHODS and State().replace(rng=key).rng is key


@pytest.mark.parametrize("name", sorted(jf.SHAPE_ONLY_CALLS))
def test_a_shape_only_call_computes_no_values(name: str) -> None:
    module, _, attribute = name.rpartition(".")
    assert module == "jax"
    shapes = getattr(jax, attribute)(
        lambda rng: jax.random.normal(rng, (3,)), rng=jax.random.key(0)
    )
    assert isinstance(shapes, jax.ShapeDtypeStruct) and shapes.shape == (3,)


@pytest.mark.parametrize("name", sorted(jf.ALTERNATIVE_BRANCHES))
def test_an_alternative_branching_call_gives_one_branch_result(name: str) -> None:
    # Two branches drawing from one key: the result is one branch's draw, never a mix.
    key = jax.random.key(0)
    normal = lambda: jax.random.normal(key, (3,))  # noqa: E731
    uniform = lambda: jax.random.uniform(key, (3,))  # noqa: E731
    branch = {
        "jax.lax.cond": lambda which: jax.lax.cond(which == 0, normal, uniform),
        "jax.lax.switch": lambda which: jax.lax.switch(which, [normal, uniform]),
    }[name]
    for run in (branch, jax.jit(branch)):
        assert run(0).tolist() == normal().tolist()
        assert run(1).tolist() == uniform().tolist()


def test_length_keeping_iterators_are_as_long_as_their_arguments() -> None:
    # JL003's written-out sweeps: a loop over enumerate/reversed/zip of a display runs as
    # often as the display (zip: the shortest) has elements.
    import builtins

    for name in sorted(jf.SAME_LENGTH_ITERATORS):
        function = getattr(builtins, name.removeprefix("builtins."))
        assert len(list(function([1, 5, 10]))) == 3
    for name in sorted(jf.SHORTEST_LENGTH_ITERATORS):
        function = getattr(builtins, name.removeprefix("builtins."))
        assert len(list(function([1, 5, 10], iter(int, 1)))) == 3


def test_seed_is_where_a_distribution_sampler_takes_its_key() -> None:
    """`seed` in KEY_PARAMETER_NAMES: distrax's (and TensorFlow Probability's, on which
    it builds) samplers draw from the key given as `seed=`, so one key given twice
    draws the same numbers, and an element of a split array is a key of its own."""
    distrax = pytest.importorskip("distrax")
    assert "seed" in jf.KEY_PARAMETER_NAMES
    keys = jax.random.split(jax.random.key(3), 2)
    normal, uniform = distrax.Normal(0.0, 1.0), distrax.Uniform(0.0, 1.0)
    assert float(normal.sample(seed=keys[0])) == float(normal.sample(seed=keys[0]))
    assert float(normal.sample(seed=keys[0])) != float(normal.sample(seed=keys[1]))
    # Another distribution, the same key: the same underlying bits.
    assert float(uniform.sample(seed=keys[1])) == float(jax.random.uniform(keys[1]))


def test_fold_in_gives_a_new_key_for_new_data() -> None:
    """JL016 leaves `fold_in(PRNGKey(0), step)` alone: a constant key folded with data
    that changes gives a different key, and different draws, for each value."""
    for make in (jax.random.PRNGKey, jax.random.key):
        base = make(0)
        draws = [jax.random.normal(jax.random.fold_in(base, step), (4,)) for step in range(3)]
        assert not bool(jnp.allclose(draws[0], draws[1]))
        assert not bool(jnp.allclose(draws[1], draws[2]))
        again = jax.random.normal(jax.random.fold_in(base, 1), (4,))
        assert bool(jnp.array_equal(again, draws[1]))  # the same data: the same key
