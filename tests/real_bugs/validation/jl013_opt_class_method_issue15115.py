# Source: https://github.com/jax-ml/jax/issues/15115
# "You applied the @jit decorator to a class method (namely opt.opt). Note that class methods have self as the first argument"
import functools

import jax.numpy as jnp
from jax import grad, jit


class opt:
    def __init__(self, lr=0.01):
        self.lr = lr

    @jit  # expect: JL013
    def opt(self, params, batch):
        return params - self.lr * grad(lambda p: jnp.sum((p * batch) ** 2))(params)


class opt_fixed:
    def __init__(self, lr=0.01):
        self.lr = lr

    @functools.partial(jit, static_argnums=(0,))  # trap: JL013
    def opt(self, params, batch):
        return params - self.lr * grad(lambda p: jnp.sum((p * batch) ** 2))(params)
