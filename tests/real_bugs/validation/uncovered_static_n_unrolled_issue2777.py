# Source: https://github.com/jax-ml/jax/issues/2777
# "slow compile (CPU/GPU), exponential in unrolled loop length"
import functools

import jax
import jax.numpy as jnp


def inner_loop(key, ra, rb):
    key, shard = jax.random.split(key)
    gate = jax.random.uniform(shard, ra.shape)
    return key, 0.5 * (ra + gate * ra + (1 - gate) * rb), 0.5 * (rb + gate * ra + (1 - gate) * rb)


@functools.partial(jax.jit, static_argnums=1)
def sample(key, n):
    ra = jnp.zeros((8, 2))
    rb = jnp.ones((8, 2))
    for _ in range(n):  # expect: JL018
        key, ra, rb = inner_loop(key, ra, rb)
    return ra


@functools.partial(jax.jit, static_argnums=1)
def sample_fixed(key, n):
    ra = jnp.zeros((8, 2))
    rb = jnp.ones((8, 2))
    (key, ra, rb), _ = jax.lax.scan(lambda c, _: (inner_loop(*c), None), (key, ra, rb), None, length=n)
    return ra
