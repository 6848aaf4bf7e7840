# Source: https://github.com/jax-ml/jax/issues/7116
# "In-place operations with Jax don't seem to work": the jitted loop reassigns a local and
# returns nothing; the numba twin mutates a NumPy array in place.
import jax
import numpy as np


@jax.jit
def inplace_func_jax(a):
    for i in range(a.size):
        a = a.at[i].set(2 * (2 * (a[i] + 1) + 1))  # trap: JL008


def inplace_func_nb(a: np.ndarray):
    for i in range(a.size):
        a[i] = 2 * (2 * (a[i] + 1) + 1)  # trap: JL001


@jax.jit
def inplace_func_jax_setitem(a):
    for i in range(a.size):
        a[i] = 2 * (2 * (a[i] + 1) + 1)  # expect: JL001
    return a


@jax.jit
def inplace_func_jax_fixed(a):
    for i in range(a.size):
        a = a.at[i].set(2 * (2 * (a[i] + 1) + 1))
    return a
