# Source: https://github.com/k-karna/learning_jax
# The notebook's two failing cases: a branch on x < 3 and a chained `and` of comparisons.
import jax
import jax.numpy as jnp
from jax import jit


@jit
def piecewise(x):
    if x < 3:  # expect: JL006
        return 3 * x**2
    else:
        return -4 * x


@jit
def in_window(x):
    return (x > 0) and (x < 3)  # expect: JL006


@jit
def in_window_fixed(x):
    return jnp.logical_and(x > 0, x < 3)  # trap: JL006


@jit
def doubled_three_times(x):
    # A Python loop over a constant range is unrolled at trace time: fine.
    for _ in range(3):  # trap: JL006
        x = 2 * x
    return x


@jit
def total(x):
    y = 0.0
    for i in range(x.shape[0]):  # trap: JL006
        y = y + x[i]
    return y
