"""General facts of issue 19's recall work, checked by running the installed jax: what
the model assumes about values through factories and functions mapped over leaves."""

from __future__ import annotations

from functools import partial

import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def test_a_factory_returns_its_jitted_function_with_the_static_options() -> None:
    # JL014 through a factory: the array in a static position is refused at the call.
    def make_runner():
        @partial(jax.jit, static_argnums=(0,))
        def run(position, steps):
            return position * steps

        return run

    runner = make_runner()
    with pytest.raises(ValueError, match="[Nn]on-hashable static"):
        runner(jnp.ones(3), 2)
    assert runner(2, jnp.ones(3)).shape == (3,)  # an int there is fine


def test_tree_map_calls_its_function_once_per_leaf_with_the_closed_over_key() -> None:
    # JL005 per leaf: every leaf draws from the same key, the same bits.
    key = jax.random.key(0)
    tree = {"a": jnp.zeros(4), "b": jnp.zeros(4)}
    noised = jax.tree.map(lambda g: g + jax.random.normal(key, g.shape), tree)
    assert bool((noised["a"] == noised["b"]).all())
    keys = dict(zip(tree, jax.random.split(key, 2), strict=True))
    fixed = jax.tree.map(lambda g, k: g + jax.random.normal(k, g.shape), tree, keys)
    assert not bool((fixed["a"] == fixed["b"]).all())


def test_one_key_picks_the_same_order_for_every_leaf() -> None:
    # Why permutation and choice are not per-leaf reuse: the shared order aligns a batch.
    key = jax.random.key(0)
    batch = {"obs": jnp.arange(8.0), "action": jnp.arange(8.0) * 10}
    shuffled = jax.tree.map(lambda x: jax.random.permutation(key, x), batch)
    assert bool((shuffled["action"] == shuffled["obs"] * 10).all())
    picked = jax.tree.map(lambda x: jax.random.choice(key, x, (4,), replace=False), batch)
    assert bool((picked["action"] == picked["obs"] * 10).all())
