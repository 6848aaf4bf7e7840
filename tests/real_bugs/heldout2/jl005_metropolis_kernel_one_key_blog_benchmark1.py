# Source: https://github.com/rlouf/blog-benchmark-rwmetropolis/pull/1
# "The JAX implementation was reusing the same PRNG key, rather than producing new ones, which meant it wasn't doing the full computation you wanted."
from functools import partial

import jax
import jax.numpy as np
from jax.scipy.stats import norm


@partial(jax.jit, static_argnums=(0, 1))
def rw_metropolis_kernel(rng_key, logpdf, position, log_prob):
    move_proposals = jax.random.normal(rng_key, shape=position.shape) * 0.1
    proposal = position + move_proposals
    proposal_log_prob = logpdf(proposal)

    log_uniform = np.log(jax.random.uniform(rng_key, shape=position.shape))  # expect: JL005
    do_accept = log_uniform < proposal_log_prob - log_prob

    position = np.where(do_accept, proposal, position)
    log_prob = np.where(do_accept, proposal_log_prob, log_prob)
    return position, log_prob


def rw_metropolis_sampler(rng_key, logpdf, initial_position):
    position = initial_position
    log_prob = logpdf(initial_position)
    yield position

    while True:
        position, log_prob = rw_metropolis_kernel(rng_key, logpdf, position, log_prob)  # expect: JL005, JL014
        yield position


@partial(jax.jit, static_argnums=(1,))
def rw_metropolis_kernel_fixed(rng_key, logpdf, position, log_prob):
    key1, key2 = jax.random.split(rng_key)
    move_proposals = jax.random.normal(key1, shape=position.shape) * 0.1
    proposal = position + move_proposals
    proposal_log_prob = logpdf(proposal)

    log_uniform = np.log(jax.random.uniform(key2, shape=position.shape))  # trap: JL005
    do_accept = log_uniform < proposal_log_prob - log_prob

    position = np.where(do_accept, proposal, position)
    log_prob = np.where(do_accept, proposal_log_prob, log_prob)
    return position, log_prob


def rw_metropolis_sampler_fixed(rng_key, logpdf, initial_position):
    position = initial_position
    log_prob = logpdf(initial_position)
    yield position

    while True:
        rng_key, sub_key = jax.random.split(rng_key)
        position, log_prob = rw_metropolis_kernel_fixed(sub_key, logpdf, position, log_prob)  # trap: JL005, JL014
        yield position


def logpdf(x):
    return np.sum(norm.logpdf(x, loc=0.0, scale=1.0), axis=0)


key_a, key_b = jax.random.split(jax.random.PRNGKey(42))
initial_position = np.zeros((4, 4))
samples = rw_metropolis_sampler(key_a, jax.jit(logpdf), initial_position)
for i, sample in enumerate(samples):
    if i == 999:
        break
samples = rw_metropolis_sampler_fixed(key_b, jax.jit(logpdf), initial_position)
for i, sample in enumerate(samples):
    if i == 999:
        break
