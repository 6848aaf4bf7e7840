# Source: https://github.com/jax-ml/jax/issues/5013
# "TypeError: Shapes must be 1D sequences of concrete values of integer type, got (Traced<ShapedArray(int32[]):JaxprTrace(level=-1/1)>, 22)."
from functools import partial

import jax
import jax.numpy as jnp
from jax import random


@jax.jit
def _sample_u_poisson(rng_key, block_lengths, m):
    sub_key, rng_key = random.split(rng_key)
    u = random.randint(sub_key, (jnp.sum(block_lengths), m), 0, m)  # expect: JL011
    return u


@partial(jax.jit, static_argnums=(1, 2))
def _sample_u_poisson_fixed(rng_key, total_length, m):
    sub_key, rng_key = random.split(rng_key)
    u = random.randint(sub_key, (total_length, m), 0, m)  # trap: JL011
    return u


block_lengths = jnp.array([3, 4, 5])
_sample_u_poisson(random.PRNGKey(0), block_lengths, 22)
_sample_u_poisson_fixed(random.PRNGKey(0), int(block_lengths.sum()), 22)
