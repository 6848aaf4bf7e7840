# Source: https://github.com/RobertTLange/gymnax/issues/52
# "Lax.select then performs a type of masked addition. But it requires the “stepped” env state and reseted “env state” to share the same data types. So you have to make sure that the output of reset_env and step_env always have the same data type."
import jax
import jax.numpy as jnp
from flax import struct


@struct.dataclass
class EnvState:
    position: jax.Array
    time: jax.Array


def reset_env(key):
    return EnvState(position=jnp.zeros(2), time=0)


def step_env(key, state, action):
    position = state.position + action
    time = state.time + 1.0
    done = time >= 10
    return EnvState(position=position, time=time), done


@jax.jit
def step(key, state, action):
    key_reset, key_step = jax.random.split(key)
    state_st, done = step_env(key_step, state, action)
    state_re = reset_env(key_reset)
    return jax.tree_util.tree_map(lambda x, y: jax.lax.select(done, x, y), state_re, state_st)  # uncovered: select between reset and stepped states of different dtypes


# The fix: reset and step return the same dtypes.
def reset_env_fixed(key):
    return EnvState(position=jnp.zeros(2), time=jnp.float32(0.0))


@jax.jit
def step_fixed(key, state, action):
    key_reset, key_step = jax.random.split(key)
    state_st, done = step_env(key_step, state, action)
    state_re = reset_env_fixed(key_reset)
    return jax.tree_util.tree_map(lambda x, y: jax.lax.select(done, x, y), state_re, state_st)


key_init, key_fixed, key_buggy = jax.random.split(jax.random.PRNGKey(0), 3)
print(step_fixed(key_fixed, reset_env_fixed(key_init), jnp.ones(2)))
print(step(key_buggy, EnvState(position=jnp.zeros(2), time=jnp.int32(0)), jnp.ones(2)))
