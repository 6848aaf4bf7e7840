# Source: https://openillumi.com/en/en-jax-jit-dynamic-loop-error-fix
# "When JAX-generated random numbers (which are Tracer objects) are passed to Python's range() function, JAX attempts an invalid conversion"
from functools import partial

import jax
import jax.numpy as jnp


@jax.jit
def simulate(key, x):
    n_steps = jax.random.randint(key, (), 1, 10)
    for _ in range(n_steps):  # expect: JL006
        x = x * 2.0
    return x


@partial(jax.jit, static_argnums=(1,))
def simulate_fixed(x, n_steps):
    for _ in range(n_steps):  # trap: JL006
        x = x * 2.0
    return x


key, count_key = jax.random.split(jax.random.PRNGKey(0))
simulate(key, jnp.ones(3))
n = int(jax.random.randint(count_key, (), 1, 10))
simulate_fixed(jnp.ones(3), n)
