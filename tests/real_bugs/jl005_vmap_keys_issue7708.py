# Source: https://github.com/jax-ml/jax/issues/7708
# Averaging a stochastic loss over a batch: one key per example, split up front.
import jax
import jax.numpy as jnp
from jax import vmap


def loss(key, params, x):
    noise = jax.random.normal(key, x.shape)
    return jnp.sum((params * (x + noise)) ** 2)


def average_loss(key, params, xs):
    keys = jax.random.split(key, num=xs.shape[0])
    losses = vmap(loss, in_axes=(0, None, 0))(keys, params, xs)  # trap: JL005
    return jnp.mean(losses)


def average_loss_shared_key(key, params, xs):
    # Broadcasting one key over the batch gives every example the same noise.
    first = loss(key, params, xs[0])
    rest = loss(key, params, xs[1])  # expect: JL005
    return (first + rest) / 2
