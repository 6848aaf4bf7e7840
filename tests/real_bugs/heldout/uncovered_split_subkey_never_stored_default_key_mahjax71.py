# Source: https://github.com/nissymori/mahjax/issues/71
# "`_init` splits a `subkey` off the init rng but never stores it — `_make_state` is called without `rng_key=`, so `round_state.rng_key` keeps the `State` dataclass default `jax.random.PRNGKey(0)`."
import jax
import jax.numpy as jnp
from flax import struct


@struct.dataclass
class RoundState:
    wall: jax.Array = jnp.zeros(136, dtype=jnp.int32)
    rng_key: jax.Array = jax.random.PRNGKey(0)


def _make_state(wall, rng_key=None):
    if rng_key is None:
        return RoundState(wall=wall)
    return RoundState(wall=wall, rng_key=rng_key)


def _init(rng):
    rng, subkey = jax.random.split(rng)
    wall = jax.random.permutation(rng, jnp.arange(136, dtype=jnp.int32))
    return _make_state(wall)  # uncovered: split subkey never stored; later hands reshuffle from the class-default constant key


def _next_round(state):
    key, subkey = jax.random.split(state.rng_key)
    wall = jax.random.permutation(subkey, jnp.arange(136, dtype=jnp.int32))
    return state.replace(wall=wall, rng_key=key)


# The fix: store the split key in the state.
def _init_fixed(rng):
    rng, subkey = jax.random.split(rng)
    wall = jax.random.permutation(rng, jnp.arange(136, dtype=jnp.int32))
    return _make_state(wall, rng_key=subkey)


a = _next_round(_init(jax.random.PRNGKey(1)))
b = _next_round(_init(jax.random.PRNGKey(2)))
print(bool((a.wall == b.wall).all()))
c = _next_round(_init_fixed(jax.random.PRNGKey(1)))
d = _next_round(_init_fixed(jax.random.PRNGKey(2)))
print(bool((c.wall == d.wall).all()))
