# Source: https://github.com/AI-Hypercomputer/accelerator-agents/pull/98
# fori_loop accepts a traced upper bound (it becomes a while loop): not a Python conversion.
import jax
import jax.numpy as jnp


@jax.jit
def write_pages(cache_kv, new_kv, distribution):
    def seq_loop_body(i, cache):
        return cache.at[i].set(new_kv[i])  # trap: JL001

    return jax.lax.fori_loop(0, distribution[-1], seq_loop_body, cache_kv)  # trap: JL006


@jax.jit
def write_pages_python_loop(cache_kv, new_kv, distribution):
    for i in range(distribution[-1]):  # expect: JL006
        cache_kv = cache_kv.at[i].set(new_kv[i])
    return cache_kv


def total(x):
    return jnp.sum(x)
