# Source: https://github.com/jax-ml/jax/pull/5853
# "This error can occur when a JAX Tracer object is used as an index for a non-JIT-compatible object, such as a Python list or tuple."
import jax
import jax.numpy as jnp


def pick(i):
    return [1, 2, 3][i]  # expect: JL006


def pick_fixed(i):
    return jnp.asarray([1, 2, 3])[i]


jax.jit(pick)(0)
jax.jit(pick_fixed)(0)
