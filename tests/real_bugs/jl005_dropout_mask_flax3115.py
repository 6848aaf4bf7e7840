# Source: https://github.com/google/flax/issues/3115
# Two dropout layers applied with one explicit key draw the same mask.
import jax
import jax.numpy as jnp


def apply_dropout(rng, x, rate=0.5):
    mask = jax.random.bernoulli(rng, 1.0 - rate, x.shape)
    return jnp.where(mask, x / (1.0 - rate), 0.0)


def forward(params, x, dropout_key):
    h = jnp.tanh(x @ params["w1"])
    h = apply_dropout(dropout_key, h)
    h = jnp.tanh(h @ params["w2"])
    h = apply_dropout(dropout_key, h)  # expect: JL005
    return h
