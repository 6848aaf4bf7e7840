# Source: https://github.com/patrick-kidger/equinox/issues/987
# "Using a equinox dropout layer in my networks gives the following error: ... jax.errors.TracerBoolConversionError"
import equinox as eqx
import jax
import jax.numpy as jnp

key_m, key_d = jax.random.split(jax.random.PRNGKey(0))


class Actor(eqx.Module):
    linear: eqx.nn.Linear
    dropout: eqx.nn.Dropout

    def __init__(self, key):
        self.linear = eqx.nn.Linear(4, 2, key=key)
        self.dropout = eqx.nn.Dropout(p=0.1)

    def __call__(self, x, key):
        return self.dropout(self.linear(x), key=key)


def _env_step(runner_state, _):
    actor, obs, key = runner_state
    key, sub = jax.random.split(key)
    action = actor(obs, sub)
    return (actor, obs + action.sum(), key), action


def _env_step_fixed(carry, _, static):
    params, obs, key = carry
    actor = eqx.combine(params, static)
    key, sub = jax.random.split(key)
    action = actor(obs, sub)
    return (params, obs + action.sum(), key), action


actor = Actor(key_m)
runner_state = (actor, jnp.zeros(4), key_d)
jax.lax.scan(_env_step, runner_state, None, 16)  # uncovered: equinox module with non-array fields passed as a scan carry

params, static = eqx.partition(actor, eqx.is_array)
jax.lax.scan(lambda c, x: _env_step_fixed(c, x, static), (params, jnp.zeros(4), key_d), None, 16)
