# Source: https://github.com/patrick-kidger/equinox/issues/686
# "The first optimization loop will run fine, but the second (after re-initializing the module) will cause the re-compile flag for the step function (due to the model argument)."
from typing import Callable

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array


class ForwardKinematicTrajectory(eqx.Module):
    trajectory: eqx.Module
    scale_mixer: Array
    forward: Callable

    def __init__(self, fk_fn: Callable):
        self.trajectory = eqx.nn.Linear(1, 3, key=jax.random.PRNGKey(0))
        self.scale_mixer = jnp.ones((3, 1))
        self.forward = jax.jit(fk_fn)  # uncovered: recompile from a new callable in a static field

    def __call__(self, data):
        return self.forward(self.trajectory(data) * self.scale_mixer)


class ForwardKinematicTrajectoryFixed(eqx.Module):
    trajectory: eqx.Module
    scale_mixer: Array
    forward: Callable

    def __init__(self, fk_fn: Callable):
        self.trajectory = eqx.nn.Linear(1, 3, key=jax.random.PRNGKey(0))
        self.scale_mixer = jnp.ones((3, 1))
        self.forward = fk_fn

    def __call__(self, data):
        return self.forward(self.trajectory(data) * self.scale_mixer)


@eqx.filter_jit
def step(model, X):
    return jnp.mean(jax.vmap(model)(X))


def fk(x):
    return jnp.sin(x)


for _ in range(2):
    step(ForwardKinematicTrajectory(fk), jnp.ones((8, 1)))
