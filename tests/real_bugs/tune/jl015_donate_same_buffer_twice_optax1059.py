# Source: https://github.com/google-deepmind/optax/pull/1059
# "you'd get an 'INVALID_ARGUMENT: Attempt to donate the same buffer twice in Execute()' error, because z was the same array as params"
from functools import partial

import jax
import jax.numpy as jnp


def schedule_free_init(params):
    return {"z": params, "count": jnp.zeros([], jnp.int32)}


@partial(jax.jit, donate_argnums=(0, 1))
def train_step(params, opt_state, grads):
    z = opt_state["z"] - 0.1 * grads
    return 0.9 * params + 0.1 * z, {"z": z, "count": opt_state["count"] + 1}


def train(grads):
    params = jnp.ones(4)
    opt_state = schedule_free_init(params)
    params, opt_state = train_step(params, opt_state, grads)  # expect: JL015
    return params


def train_fixed(grads):
    params = jnp.ones(4)
    opt_state = {"z": jnp.array(params, copy=True), "count": jnp.zeros([], jnp.int32)}
    params, opt_state = train_step(params, opt_state, grads)  # trap: JL015
    return params
