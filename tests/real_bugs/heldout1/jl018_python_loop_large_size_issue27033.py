# Source: https://github.com/jax-ml/jax/issues/27033
# "I've tested three implementations using 1) a Python `for` loop, 2) `jax.xla.fori_loop`, and 3) a list comprehension."
import time
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnames=("size",))
def f_for_loop(x: float, size: int) -> jax.Array:
    out = x + jnp.zeros(size)
    for i in range(size):  # expect: JL018
        out = out + i * jnp.arange(size)
    return out


@partial(jax.jit, static_argnames=("size",))
def f_lax_fori(x, size):
    def body(ind, carry_on):
        return carry_on + ind * jnp.arange(size)

    return jax.lax.fori_loop(0, size, body, x + jnp.zeros(size))  # trap: JL018


for x, size in [(1, 100), (1, 10_000)]:
    for func in [f_for_loop, f_lax_fori]:
        t0 = time.time()
        func(x, size).block_until_ready()
        print(f"1st:\t{time.time() - t0:.2e}")
