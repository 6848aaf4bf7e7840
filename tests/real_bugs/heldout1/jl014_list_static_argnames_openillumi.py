# Source: https://openillumi.com/en/en-jax-jit-list-static-arg-best-practice
# "passing a 'non-hashable' type like a list as a static argument results in a ValueError: Non-hashable static arguments are not supported."
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnames=["idx"])
def dummy(x, idx):
    return x[jnp.array(idx)].sum()


x = jnp.arange(10.0)
dummy(x, idx=[1, 3, 5])  # expect: JL014
dummy(x, idx=(1, 3, 5))  # trap: JL014
