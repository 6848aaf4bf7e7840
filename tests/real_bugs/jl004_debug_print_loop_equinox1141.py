# Source: https://github.com/patrick-kidger/equinox/issues/1141
# jax.debug.print in a Python loop inside jit is staged and prints every call: correct.
import jax
import jax.numpy as jnp


@jax.jit
def fmain(a, b):
    for i in range(10):
        jax.debug.print("Inner loop iteration {i}", i=i)  # trap: JL004
        a = jnp.matmul(a, b)
    return a


def fun_name(a, b):
    return jnp.matmul(a, b)


def train(a, b, steps):
    for _ in range(steps):
        # Re-wrapping the same function every step: a cache hit, not a recompile (JL009).
        a = jax.jit(fun_name)(a, b)  # trap: JL003
    return a
