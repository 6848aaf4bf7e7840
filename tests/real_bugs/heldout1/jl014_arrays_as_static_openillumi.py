# Source: https://openillumi.com/en/en-jax-jit-static-argnums-array-fix
# "ValueError: Non-hashable static arguments are not supported... Static argument (index 1) of type <class 'numpy.ndarray'> for function loss is non-hashable."
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


@partial(jax.jit, static_argnums=(1, 2))
def loss(r, x, y):
    return jnp.mean((x * r - y) ** 2)


@jax.jit
def loss_fixed(r, x, y):
    return jnp.mean((x * r - y) ** 2)


x = np.linspace(0.0, 1.0, 100)
y = 2.0 * x + 0.1
loss(1.0, x, y)  # expect: JL014
loss_fixed(1.0, x, y)  # trap: JL014
