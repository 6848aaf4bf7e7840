# Source: https://github.com/aesara-devs/aesara/issues/89
# "The most recent `jax`/`jaxlib` update (i.e. 0.2.1) has removed "symbolic" inputs support for `jax.numpy.unique`."
from functools import partial

import jax
import numpy as np

a = np.arange(6).reshape((3, 2))


def unique(x):
    return jax.numpy.unique(x)  # expect: JL011


def unique_fixed(x, size):
    return jax.numpy.unique(x, size=size)  # trap: JL011


jax.jit(partial(unique, a))()
jax.jit(partial(unique_fixed, a, size=6))()
