# Source: https://github.com/jax-ml/jax/issues/648
# "you are passing a non-static value for `N` where a function expects a static argument (`random.randint`'s shape)"
from functools import partial

from jax import jit, random


@jit
def sample(key, N):
    return random.randint(key, (N,), 0, 10)  # expect: JL011


@partial(jit, static_argnums=1)
def sample_fixed(key, N):
    return random.randint(key, (N,), 0, 10)  # trap: JL011
