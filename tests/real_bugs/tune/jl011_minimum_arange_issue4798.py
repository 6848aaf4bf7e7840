# Source: https://github.com/jax-ml/jax/issues/4798
# "this crashes because n_actual is a traced value despite n_aval and n being concrete integers"
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnums=(0,))
def foo(n, x):
    n_aval = jnp.shape(x)[0]
    n_actual = jnp.minimum(n_aval, n)
    return jnp.arange(n_actual)  # expect: JL011


@partial(jax.jit, static_argnums=(0,))
def foo_fixed(n, x):
    n_aval = jnp.shape(x)[0]
    n_actual = min(n_aval, n)
    return jnp.arange(n_actual)  # trap: JL011


foo(5, jnp.arange(10))
