# Source: https://github.com/jax-ml/jax/issues/553
# "np.arange(x.shape[0]) creates a plain-old ndarray, and then indexing an ndarray with one of our tracers"
import jax.numpy as np
import numpy as onp
from jax import jit, lax


# At the time of the report np.arange returned a classic NumPy array; written with
# onp here so the snippet keeps the user's bug on today's jax.
def fun(x):
    r = onp.arange(x.shape[0])[x]  # expect: JL007
    return r


def fun_fixed(x):
    r = lax.iota(np.int32, x.shape[0])[x]  # trap: JL007
    return r


jit(fun)(np.array([0, 1, 2], dtype=np.int32))
jit(fun_fixed)(np.array([0, 1, 2], dtype=np.int32))
