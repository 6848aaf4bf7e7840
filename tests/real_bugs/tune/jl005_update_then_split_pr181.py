# Source: https://github.com/jax-ml/jax/pull/181
# "It's a danger sign when an output of random.split isn't used. ... the function you're calling a couple lines up, namely update(t, opt_state, rng) could itself call split somewhere in its code"
import jax.numpy as np
from jax import jit, random


@jit
def update(t, params, rng):
    eps = random.normal(rng, params.shape)
    return params - 0.01 * (params + eps)


def train(params, num_steps):
    rng = random.PRNGKey(0)
    for t in range(num_steps):
        params = update(t, params, rng)
        old, rng = random.split(rng)  # expect: JL005
    return params


def train_fixed(params, num_steps):
    rng = random.PRNGKey(0)
    for t in range(num_steps):
        rng, step_rng = random.split(rng)  # trap: JL005
        params = update(t, params, step_rng)
    return params


train(np.zeros(3), 10)
