# Source: https://github.com/thomaspinder/GPJax/pull/99
# The batch is drawn with the key, and the same key is split afterwards for the next step.
import jax.numpy as jnp
import jax.random as jr


def get_batch_new_key(x, y, batch_size, key):
    n = x.shape[0]
    indices = jr.choice(key, n, (batch_size,), replace=True)
    _, new_key = jr.split(key)  # expect: JL005
    return (x[indices], y[indices]), new_key


def get_batch_new_key_fixed(x, y, batch_size, key):
    # The order the reviewers asked for: split first, draw with the fresh key.
    n = x.shape[0]
    key, new_key = jr.split(key)
    indices = jr.choice(key, n, (batch_size,), replace=True)  # trap: JL005
    return (x[indices], y[indices]), new_key


def total(x):
    return jnp.sum(x)
