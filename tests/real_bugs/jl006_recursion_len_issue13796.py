# Source: https://github.com/jax-ml/jax/issues/13796
# `cond` cannot end a recursion; branching on len(x) is static, so a Python conditional works.
import jax
import jax.numpy as jnp


def return_z(x):
    x = x.at[0].set(0)
    if len(x) > 1:  # trap: JL006
        x = x.at[1:].set(return_z(x[1:]))
    return x


@jax.jit
def rec(x):
    return return_z(x) if len(x) > 1 else jnp.zeros_like(x)  # trap: JL006


@jax.jit
def rec_traced(x, depth):
    # Recursing on a traced depth instead needs its value.
    return rec_traced(x[1:], depth - 1) if depth > 0 else x  # expect: JL006
