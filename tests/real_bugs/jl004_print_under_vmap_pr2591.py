# Source: https://github.com/jax-ml/jax/pull/2591
# print inside a vmapped function shows a BatchTracer, not the values.
import jax.numpy as np
from jax import vmap


def f(x):
    y = x**2
    print(y)  # expect: JL004
    return y


def run():
    return vmap(f)(np.arange(4))
