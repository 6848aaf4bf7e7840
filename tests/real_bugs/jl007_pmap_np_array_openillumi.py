# Source: https://openillumi.com/en/en-fix-jax-pmap-conversion-error
# A policy's predict converts its actions with np.array; run under pmap it meets tracers.
import jax
import jax.numpy as jnp
import numpy as np


def predict(params, obs):
    actions = jnp.tanh(obs @ params)
    return np.array(actions).reshape((-1, 2))  # expect: JL007


def predict_fixed(params, obs):
    actions = jnp.tanh(obs @ params)
    return jnp.reshape(actions, (-1, 2))  # trap: JL007


def run(params, obs):
    return jax.pmap(predict, in_axes=(None, 0))(params, obs)


def run_fixed(params, obs):
    return jax.pmap(predict_fixed, in_axes=(None, 0))(params, obs)
