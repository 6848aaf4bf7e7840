# Source: https://github.com/PlasmaControl/DESC/pull/310
# "Because JAX compiles self as a static argument for jitted methods, updating the attributes of the objective (target, weight etc) are not correctly updated in the jitted code."
from functools import partial

import jax
import jax.numpy as jnp


class Objective:
    def __init__(self, target, weight):
        self.target = target
        self.weight = weight

    @partial(jax.jit, static_argnums=0)  # expect: JL013
    def compute(self, x):
        return self.weight * (jnp.sum(x) - self.target)

    def update_target(self, target):
        self.target = target


class ObjectiveFixed:
    def __init__(self, target, weight):
        self.target = target
        self.weight = weight

    @staticmethod
    @jax.jit
    def _compute(x, target, weight):
        return weight * (jnp.sum(x) - target)  # trap: JL013

    def compute(self, x):
        return self._compute(x, self.target, self.weight)

    def update_target(self, target):
        self.target = target
