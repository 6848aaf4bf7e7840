# Source: https://github.com/google/flax/issues/4195
# The same random key is used across the vectorized batch: stochastic layers behave identically.
import jax
import jax.numpy as jnp


def dropout(key, x, rate):
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def two_dropouts(key, x):
    h = dropout(key, x, 0.1)
    return dropout(key, h, 0.1)  # expect: JL005


def two_dropouts_fixed(key, x):
    k1, k2 = jax.random.split(key)
    h = dropout(k1, x, 0.1)
    return dropout(k2, h, 0.1)  # trap: JL005
