# Source: https://github.com/kazewong/flowMC/pull/217
# Logging from a jitted sampler step: the message is emitted at trace time only.
import logging

import jax
import jax.numpy as jnp

logger = logging.getLogger(__name__)


@jax.jit
def sampler_step(position, log_prob):
    proposal = position + 0.1
    accept = log_prob(proposal) > log_prob(position)
    logger.info(f"acceptance {accept}")  # expect: JL004
    return jnp.where(accept, proposal, position)


def _log_acceptance(accept):
    logger.info("acceptance %s", accept)  # trap: JL004


@jax.jit
def sampler_step_fixed(position, log_prob):
    proposal = position + 0.1
    accept = log_prob(proposal) > log_prob(position)
    jax.debug.callback(_log_acceptance, accept)
    return jnp.where(accept, proposal, position)
