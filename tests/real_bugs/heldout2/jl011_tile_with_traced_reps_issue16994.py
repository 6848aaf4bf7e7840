# Source: https://github.com/jax-ml/jax/issues/16994
# "I ran into a possible bug when trying to make an Keras IO example to be Keras-Core based and backend-agnostic."
import functools

import jax
import jax.numpy as jnp
import numpy as np


def foo(a, b):
    return jnp.tile(a, b)


@jax.jit
def foo_jit(a, b):
    return jnp.tile(a, b)  # expect: JL011


@functools.partial(jax.jit, static_argnums=(1,))
def foo_jit_fixed(a, b):
    return jnp.tile(a, b)  # trap: JL011


a = np.ndarray([1, 20, 20])
b = np.array([64, 1, 1])
c = foo(a, b)
c_jit = foo_jit(a, b)
c_jit = foo_jit_fixed(a, (64, 1, 1))
