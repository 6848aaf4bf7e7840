# Source: https://github.com/jax-ml/jax/issues/5233
# "You only create a side-effect if you change non-local state": a local rebinding is fine.
from jax import jit


@jit
def func(x):
    x_copy = x
    x_copy = x_copy**2  # trap: JL002
    return x_copy + 1


stash = {}


@jit
def func_global(x):
    # The maintainer's contrast: writing to state outside the function is a side effect.
    stash["last"] = x**2  # expect: JL002
    return x + 1
