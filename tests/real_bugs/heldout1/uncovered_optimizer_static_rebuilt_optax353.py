# Source: https://github.com/google-deepmind/optax/issues/353
# "This prints: compiling compiling compiling. Even though the same optimizer is used every time."
from functools import partial

import jax
import jax.numpy as jnp
import optax


@partial(jax.jit, static_argnames=("optimizer",))
def train_step(optimizer, opt_state):
    print("compiling")
    return opt_state


def train():
    optimizer = optax.adam(1e-2)
    opt_state = optimizer.init({"foo": jnp.zeros((100, 100))})
    for _ in range(10):
        train_step(optimizer, opt_state)  # uncovered: static object rebuilt per call


OPTIMIZER = optax.adam(1e-2)


def train_fixed():
    opt_state = OPTIMIZER.init({"foo": jnp.zeros((100, 100))})
    for _ in range(10):
        train_step(OPTIMIZER, opt_state)


train()
train()
train_fixed()
train_fixed()
