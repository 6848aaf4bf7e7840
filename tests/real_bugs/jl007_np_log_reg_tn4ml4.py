# Source: https://github.com/bsc-quantic/tn4ml/issues/4
# A log-ReLU norm regularizer written with NumPy breaks when the loss is differentiated.
import jax
import jax.numpy as jnp
import numpy as np


def reg_norm_logrelu(norm):
    return np.log(np.maximum(norm, 1.0))  # expect: JL007, JL007


def loss(params, x):
    norm = jnp.sum(params**2)
    return jnp.mean((x @ params) ** 2) + reg_norm_logrelu(norm)


grad_loss = jax.value_and_grad(loss)


def reg_norm_quad(norm):
    return (norm - 1.0) ** 2  # trap: JL007
