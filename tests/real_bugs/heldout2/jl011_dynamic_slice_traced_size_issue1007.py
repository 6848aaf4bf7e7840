# Source: https://github.com/jax-ml/jax/issues/1007
# "Should this work?"
import functools

import jax
import jax.numpy as np
from jax import lax


@jax.jit
def sum_first_k(a, k):
    return np.sum(lax.dynamic_slice(a, (0,), (k,)))  # expect: JL011


@functools.partial(jax.jit, static_argnums=(1,))
def sum_first_k_fixed(a, k):
    return np.sum(lax.dynamic_slice(a, (0,), (k,)))  # trap: JL011


sum_first_k(np.arange(3.0), 2)
sum_first_k_fixed(np.arange(3.0), 2)
