# Source: https://github.com/QuantEcon/lecture-python-programming/pull/442
# "JAX unrolls Python for loops during JIT compilation. With large arrays (M=10,000,000), this causes excessive compilation time"
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnames=("n", "M"))
def compute_call_price_jax(key, n=20, M=10_000_000, mu=1.0, rho=0.9, nu=0.1):
    s = jnp.zeros(M)
    h = jnp.zeros(M)
    for t in range(n):  # expect: JL018
        key, subkey = jax.random.split(key)
        Z = jax.random.normal(subkey, (2, M))
        s = s + mu + jnp.exp(h) * Z[0, :]
        h = rho * h + nu * Z[1, :]
    return jnp.mean(jnp.maximum(jnp.exp(s) - 100.0, 0))


@partial(jax.jit, static_argnames=("n", "M"))
def compute_call_price_jax_fixed(key, n=20, M=10_000_000, mu=1.0, rho=0.9, nu=0.1):
    def loop_body(i, state):
        s, h, key = state
        key, subkey = jax.random.split(key)
        Z = jax.random.normal(subkey, (2, M))
        return s + mu + jnp.exp(h) * Z[0, :], rho * h + nu * Z[1, :], key

    s, h, key = jax.lax.fori_loop(0, n, loop_body, (jnp.zeros(M), jnp.zeros(M), key))
    return jnp.mean(jnp.maximum(jnp.exp(s) - 100.0, 0))
