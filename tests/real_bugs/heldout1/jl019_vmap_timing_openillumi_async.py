# Source: https://openillumi.com/en/en-jax-async-dispatch-benchmark-guide
# "executing a function vectorized by jax.vmap (applied after jax.jit) twice consecutively ... the second run (t_2) was slower"
import time

import jax
import jax.numpy as jnp


@jax.jit
def kernel(v):
    return jnp.sum(jnp.outer(v, v) ** 2)


batched = jax.vmap(kernel)
x = jnp.ones((2000, 2000))

start = time.time()
batched(x)
t_1 = time.time() - start  # expect: JL019

start = time.time()
batched(x)
t_2 = time.time() - start  # expect: JL019

start = time.time()
batched(x).block_until_ready()
t_3 = time.time() - start  # trap: JL019
