# Source: https://github.com/mila-iqia/milabench/pull/394
# "The issue occurs because the local variable `rng` overwrites the parameter variable `rng`. Now all rng usage in training comes from the seed of 0, rather than the value specified in the arguments."
import jax
import jax.numpy as jnp


def env_reset(rng):
    return jax.random.normal(rng, (4,))


def env_step(rng, obs, action):
    return obs + action + 0.01 * jax.random.normal(rng, obs.shape)


def make_train(num_updates):
    def train(rng):
        # A dummy step to infer the shapes of the replay buffer.
        rng = jax.random.PRNGKey(0)  # expect: JL016
        obs = env_reset(rng)
        buffer_obs = jnp.zeros((num_updates,) + env_step(rng, obs, 0.0).shape)

        def update(carry, i):
            rng, obs, buffer = carry
            rng, step_rng = jax.random.split(rng)
            obs = env_step(step_rng, obs, 0.1)
            return (rng, obs, buffer.at[i].set(obs)), jnp.sum(obs)

        rng, reset_rng = jax.random.split(rng)
        obs = env_reset(reset_rng)
        _, returns = jax.lax.scan(update, (rng, obs, buffer_obs), jnp.arange(num_updates))
        return returns

    return train


def make_train_fixed(num_updates):
    def train(rng):
        # The fix: the dummy key gets its own name; the seed's key is left alone.
        _rng = jax.random.PRNGKey(0)  # trap: JL016
        obs = env_reset(_rng)
        buffer_obs = jnp.zeros((num_updates,) + env_step(_rng, obs, 0.0).shape)

        def update(carry, i):
            rng, obs, buffer = carry
            rng, step_rng = jax.random.split(rng)
            obs = env_step(step_rng, obs, 0.1)
            return (rng, obs, buffer.at[i].set(obs)), jnp.sum(obs)

        rng, reset_rng = jax.random.split(rng)
        obs = env_reset(reset_rng)
        _, returns = jax.lax.scan(update, (rng, obs, buffer_obs), jnp.arange(num_updates))
        return returns

    return train


rngs = jax.random.split(jax.random.PRNGKey(42), 3)
print(jax.jit(jax.vmap(make_train(8)))(rngs))
print(jax.jit(jax.vmap(make_train_fixed(8)))(rngs))
