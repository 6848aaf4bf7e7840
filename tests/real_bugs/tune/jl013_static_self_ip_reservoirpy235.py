# Source: https://github.com/reservoirpy/reservoirpy/issues/235
# "IPReservoir._step is jitted with static_argnums=(0,) (a static self), while fit/partial_fit mutate self.a and self.b."
from functools import partial

import jax
import jax.numpy as jnp


class IPReservoir:
    def __init__(self, units):
        self.a = jnp.ones(units)
        self.b = jnp.zeros(units)
        self.W = jnp.eye(units)

    @partial(jax.jit, static_argnums=(0,))  # expect: JL013
    def _step(self, state, x):
        return jnp.tanh(self.a * (self.W @ state + x) + self.b)

    def partial_fit(self, x, lr=0.01):
        self.a = self.a + lr * x
        self.b = self.b - lr * x


class IPReservoirFixed:
    def __init__(self, units):
        self.a = jnp.ones(units)
        self.b = jnp.zeros(units)
        self.W = jnp.eye(units)

    @staticmethod
    @jax.jit
    def _step_fn(a, b, W, state, x):
        return jnp.tanh(a * (W @ state + x) + b)  # trap: JL013

    def step(self, state, x):
        return self._step_fn(self.a, self.b, self.W, state, x)

    def partial_fit(self, x, lr=0.01):
        self.a = self.a + lr * x
        self.b = self.b - lr * x
