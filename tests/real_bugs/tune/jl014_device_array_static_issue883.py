# Source: https://github.com/jax-ml/jax/issues/883
# "I am getting errors as soon as I call a jit'ed function for the second time if that function treats an argument of type DeviceArray as static."
from functools import partial

import jax.numpy as np
from jax import jit


@partial(jit, static_argnums=(1,))
def f(x, v):
    return x


def main():
    x = np.ones((10, 10))
    v = np.array([1, 2, 3])
    first_call = f(x, v)  # expect: JL014
    second_call = f(x, (1, 2, 3))  # trap: JL014
    return first_call, second_call
