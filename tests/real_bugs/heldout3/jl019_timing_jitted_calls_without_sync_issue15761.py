# Source: https://github.com/jax-ml/jax/issues/15761
# "I assume running a function one single time is sufficient to jit-compile it. However, I came across a situation where the jit compilation might require an arbitrary number of function runs."
import time

import jax
import jax.numpy as jnp


@jax.jit
def some_func(vec, indices):
    out = jnp.zeros(len(indices))
    for idx, j in enumerate(indices):
        out_j = vec[j]
        out = out.at[idx].set(out_j)
    return out


timings = []
x = jnp.ones(20)
for n_indices in [5, 8, 10, 10, 10]:
    li = jnp.arange(n_indices)
    start = time.perf_counter()
    some_func(x, li)
    end = time.perf_counter()  # expect: JL019
    timings.append(end - start)

timings_fixed = []
for n_indices in [5, 8, 10, 10, 10]:
    li = jnp.arange(n_indices)
    start = time.perf_counter()
    some_func(x, li).block_until_ready()
    end = time.perf_counter()  # trap: JL019
    timings_fixed.append(end - start)
