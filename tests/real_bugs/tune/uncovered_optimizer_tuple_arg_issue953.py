# Source: https://github.com/jax-ml/jax/issues/953
# "I have a particular function that I believe should be jit-able but I'm getting errors hitting it with jit."
from functools import partial
from typing import Any, Callable, NamedTuple

import jax.numpy as jnp
from jax import jit
from jax.example_libraries import optimizers


class Optimizer(NamedTuple):
    init: Callable[[Any], Any]
    update: Callable[[int, Any, Any], Any]
    get: Callable[[Any], Any]


def ddpg_episode(optimizer, opt_state, grads):
    return optimizer.update(0, grads, opt_state)


optimizer = Optimizer(*optimizers.adam(step_size=1e-3))
opt_state = optimizer.init(jnp.zeros(3))
jit(ddpg_episode)(optimizer, opt_state, jnp.ones(3))  # uncovered: non-array argument to jit
jit(partial(ddpg_episode, optimizer))(opt_state, jnp.ones(3))
