# Source: https://github.com/google/flax/pull/2631
# "For the dropout_key in train_loop, I believe you need to split a different key on each step so that different activation happens."
import jax
import jax.numpy as jnp


@jax.jit
def train_step(params, batch, dropout_key):
    keep = jax.random.bernoulli(dropout_key, 0.5, batch.shape)
    return params - 0.1 * jnp.mean(jnp.where(keep, batch, 0.0))


def train_loop(params, batches):
    root_key = jax.random.PRNGKey(0)
    main_key, params_key, dropout_key = jax.random.split(root_key, num=3)
    for batch in batches:
        params = train_step(params, batch, dropout_key)  # expect: JL005
    return params


def train_loop_fixed(params, batches):
    root_key = jax.random.PRNGKey(0)
    main_key, params_key, dropout_key = jax.random.split(root_key, num=3)
    for batch in batches:
        dropout_key, step_key = jax.random.split(dropout_key)
        params = train_step(params, batch, step_key)  # trap: JL005
    return params
