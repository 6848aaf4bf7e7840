# Source: https://github.com/jax-ml/jax/issues/1406
# "'JaxprTracer' object cannot be interpreted as an integer"
from functools import partial

from jax import jit


def foo(num):
    total = 0
    for _ in range(num):  # expect: JL006
        total += 1
    return total


def foo_fixed(num):
    total = 0
    for _ in range(num):  # trap: JL006
        total += 1
    return total


jit(foo)(0)
jit(partial(foo_fixed, 0))()
