# Source: https://openillumi.com/en/en-jax-vmap-non-hashable-error-fix
# "partially applying a function like jax.partial(map_row, alpha, T), which leads to an unexpected argument order, causing a non-hashable tracer (z_input) ... to be incorrectly interpreted as a static argument"
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnums=(2,))
def map_row(z, alpha, T):
    return jnp.tanh(alpha * z) * T


alpha = 0.5
T = 3
inputs = jnp.ones((8, 4))
out = jax.vmap(partial(map_row, alpha, T))(inputs)  # uncovered: partial fills a static slot
out_fixed = jax.vmap(lambda z: map_row(z, alpha, T))(inputs)
