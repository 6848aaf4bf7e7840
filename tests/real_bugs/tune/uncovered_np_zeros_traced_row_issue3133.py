# Source: https://github.com/jax-ml/jax/issues/3133
# "The cause of the error is attempting to trace the `__getitem__` method of a raw numpy tensor."
import jax
import jax.numpy as jnp
import numpy as np


def g(i):
    return np.zeros((3, 3))[i, :]  # expect: JL007


def f(i):
    return jnp.zeros((3, 3))[i, :]


a = np.array([1, 2])
jax.jit(f)(a)
jax.jit(g)(a)
