# Source: https://github.com/jaxleyverse/jaxley/pull/603
# np.sqrt on a traced value fails under jit; np.asarray of a constant list is fine.
import jax.numpy as jnp
import numpy as np
from jax import jit


@jit
def mytest(param):
    return np.sqrt(np.sum(param * np.asarray([3.0, 4.0])))  # expect: JL007


@jit
def mytest_fixed(param):
    return jnp.sqrt(jnp.sum(param * np.asarray([3.0, 4.0])))  # trap: JL007


@jit
def sum_only(param):
    # np.sum hands a JAX array to its own .sum(): works on a tracer.
    return np.sum(param * 2.0)  # trap: JL007
