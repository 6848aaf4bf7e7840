# Source: https://github.com/jax-ml/jax/issues/1348
# A jitted function increments a module-level counter: 1, 1, 1, ... instead of 1, 2, 3.
from jax import jit

g = 0


@jit
def f():
    global g
    g = g + 1  # expect: JL002
    return g


def f_plain():
    # Without jit the same code counts as expected: not traced, not flagged.
    global g
    g = g + 1  # trap: JL002
    return g


@jit
def f_pure(count):
    return count + 1  # trap: JL002
