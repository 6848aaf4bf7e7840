# Source: https://github.com/jax-ml/jax/issues/6853
# "I have a use case to jit a function that does slicing depending on a `dict` arguments"
from functools import partial

import jax.numpy as jnp
import numpy as np
from jax import jit


@jit
def foo(x, d: dict):
    return x[: d["num"]] + d["val"]  # expect: JL011


@partial(jit, static_argnums=1)
def foo_static(x, d: dict):
    return x[: d["num"]] + d["val"]


@partial(jit, static_argnums=1)
def foo_fixed(x, num, val):
    return x[:num] + val  # trap: JL011


foo(jnp.arange(10), {"num": 5, "val": np.arange(5)})
foo_static(jnp.arange(10), {"num": 5, "val": np.arange(5)})  # expect: JL014
foo_fixed(jnp.arange(10), 5, np.arange(5))  # trap: JL014
