# Source: https://github.com/jax-ml/jax/pull/2793
# NumPy's stateful RNG inside jit is not jit-invariant: the draw is frozen into the program.
import jax
import numpy as np


@jax.jit
def noisy(x):
    noise = np.random.randn(*x.shape)  # expect: JL004
    return x + noise


@jax.jit
def noisy_fixed(x, key):
    return x + jax.random.normal(key, x.shape)  # trap: JL004


def make_dataset(n):
    # Host-side NumPy randomness outside traced code is fine.
    np.random.seed(0)
    return np.random.randn(n, 3)  # trap: JL004
