# Source: https://github.com/google/brax/issues/227
# An environment step inside a scanned rollout stacks its state with NumPy.
import jax
import jax.numpy as jnp
import numpy as np


def env_step(state, action):
    pos, vel = state
    vel = vel + 0.01 * action
    pos = pos + 0.01 * vel
    obs = np.stack([pos, vel, action])  # expect: JL007
    return (pos, vel), obs


def rollout(state, actions):
    return jax.lax.scan(env_step, state, actions)


def env_step_fixed(state, action):
    pos, vel = state
    vel = vel + 0.01 * action
    pos = pos + 0.01 * vel
    return (pos, vel), jnp.stack([pos, vel, action])  # trap: JL007


def rollout_fixed(state, actions):
    return jax.lax.scan(env_step_fixed, state, actions)
