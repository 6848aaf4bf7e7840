# Source: https://github.com/jax-ml/jax/issues/1476
# "print(sample) in VS Code debug mode returns ... Traced<ShapedArray(float32[2])>with<BatchTrace(level=2/0)>"
from functools import partial

import jax
import jax.numpy as np
from jax import random, vmap


def diag_gaussian_sample(rng, mean, log_std):
    return mean + np.exp(log_std) * random.normal(rng, mean.shape)


def elbo(logprob, rng, mean, log_std):
    sample = diag_gaussian_sample(rng, mean, log_std)
    print(sample)  # expect: JL004
    return logprob(sample) - np.sum(log_std)


def elbo_fixed(logprob, rng, mean, log_std):
    sample = diag_gaussian_sample(rng, mean, log_std)
    jax.debug.print("{}", sample)  # trap: JL004
    return logprob(sample) - np.sum(log_std)


def batch_elbo(logprob, rng, params, num_samples):
    rngs = random.split(rng, num_samples)
    vectorized_elbo = vmap(partial(elbo, logprob), in_axes=(0, None, None))
    return np.mean(vectorized_elbo(rngs, *params))


def batch_elbo_fixed(logprob, rng, params, num_samples):
    rngs = random.split(rng, num_samples)
    vectorized_elbo = vmap(partial(elbo_fixed, logprob), in_axes=(0, None, None))
    return np.mean(vectorized_elbo(rngs, *params))
