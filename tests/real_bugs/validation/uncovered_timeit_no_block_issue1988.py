# Source: https://github.com/jax-ml/jax/issues/1988
# "jit functions dispatch the computation to the device but do not wait for the result themselves"
import timeit

import jax
import jax.numpy as np


@jax.jit
def foo_jit(x):
    return np.tanh(x @ x)


def measure():
    x = np.ones((500, 500))
    return timeit.timeit(lambda: foo_jit(x), number=10)  # expect: JL019


def measure_fixed():
    x = np.ones((500, 500))
    return timeit.timeit(lambda: foo_jit(x).block_until_ready(), number=10)
