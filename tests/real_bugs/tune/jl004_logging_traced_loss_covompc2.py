# Source: https://github.com/LeCAR-Lab/CoVO-MPC/issues/2
# "Log will be [INFO]: Traced<ShapedArray(float32[])>with<DynamicJaxprTrace(level=3/0)>"
import logging

import jax
import jax.numpy as jnp


def _log_loss(total_loss):
    total_loss_mean = jnp.mean(total_loss[0])
    logging.info(total_loss_mean)  # expect: JL004


def _log_loss_fixed(total_loss):
    total_loss_mean = jnp.mean(total_loss[0])
    jax.debug.callback(lambda v: logging.info(float(v)), total_loss_mean)  # trap: JL004


@jax.jit
def update(params, batch):
    total_loss = (jnp.sum((params * batch) ** 2, axis=-1),)
    _log_loss(total_loss)
    _log_loss_fixed(total_loss)
    return params - 0.1 * jnp.mean(batch)
