# Source: https://github.com/jax-ml/jax/issues/35090
# "So it seems like jitting the inner function turns static `k` into a traced value, despite it seemingly being marked as static everywhere."
import functools

import jax
import jax.numpy as jnp


@functools.partial(jax.jit, static_argnums=(0,))
def add1(i):
    return i + 1


@functools.partial(jax.jit, static_argnums=(0,))
def my_arange(k):
    return jnp.arange(add1(k))  # expect: JL011


# The fix: the output of a jitted function is always an array (traced inside another
# jit); compute the static value with plain Python.
def add1_plain(i):
    return i + 1


@functools.partial(jax.jit, static_argnums=(0,))
def my_arange_fixed(k):
    return jnp.arange(add1_plain(k))  # trap: JL011


print(my_arange_fixed(5))
print(my_arange(5))
