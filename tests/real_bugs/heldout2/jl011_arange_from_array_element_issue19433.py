# Source: https://github.com/jax-ml/jax/issues/19433
# "I may be misunderstanding, but in my head `arange` always returns an array of length `2` but JIT still doesn't allow this."
import jax.numpy as np
from jax import jit


@jit
def f(x: np.ndarray) -> np.ndarray:
    return np.arange(x[0] - 1, x[0] + 1)  # expect: JL011


@jit
def f_fixed(x: np.ndarray) -> np.ndarray:
    return np.arange(-1, 1) + x[0]  # trap: JL011


f(np.zeros(1).astype(int))
f_fixed(np.zeros(1).astype(int))
