# Source: https://github.com/jax-ml/jax/issues/4471
# "Using a boolean mask that is generated inside a jitted function (but only depends on static arguments) stops working with version 0.2.0."
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


@partial(jax.jit, static_argnums=1)
def create_mask_inside_jitted_function(x, n):
    mask = jnp.arange(x.shape[0]) < n
    return x[mask].sum()  # expect: JL011


@partial(jax.jit, static_argnums=1)
def create_mask_inside_jitted_function_fixed(x, n):
    mask = np.arange(x.shape[0]) < n
    return x[mask].sum()  # trap: JL011
