# Source: https://github.com/google/objax/issues/59
# NumPy-style slice increment on a jax.numpy array.
import jax.numpy as jn
import numpy as np


def bump_middle():
    v = jn.arange(10)
    v[2:4] += 1  # expect: JL001
    return v


def bump_middle_numpy():
    # The same line on a NumPy array works, as the issue shows.
    v = np.arange(10)
    v[2:4] += 1  # trap: JL001
    return v
