# Source: https://github.com/jax-ml/jax/pull/2508
# "TypeError: In jax.numpy.split argument 2: tracer value encountered where a concrete value is expected."
from functools import partial

import jax
import jax.numpy as jnp


@jax.jit
def split_in(x, i):
    return jnp.split(x, i)  # expect: JL011


@partial(jax.jit, static_argnums=1)
def split_in_fixed(x, i):
    return jnp.split(x, i)
