# Source: https://github.com/jax-ml/jax/issues/170
# "that change isn't what you want: it will make the dropout layer always to use the same fixed pattern of dropped out units"
import jax.numpy as np
from jax import grad, jit, random


def dropout_apply(params, inputs, rate=0.4, **kwargs):
    rng = random.PRNGKey(0)  # expect: JL016
    keep = random.bernoulli(rng, rate, inputs.shape)
    return np.where(keep, inputs / rate, 0)


def dropout_apply_fixed(params, inputs, rng, rate=0.4):
    keep = random.bernoulli(rng, rate, inputs.shape)  # trap: JL016
    return np.where(keep, inputs / rate, 0)


@jit
def loss(params, inputs):
    return np.sum(dropout_apply(params, inputs * params))


@jit
def loss_fixed(params, inputs, rng):
    return np.sum(dropout_apply_fixed(params, inputs * params, rng))


grad(loss)(1.0, np.ones((10, 784)))
