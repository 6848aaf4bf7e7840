# Source: https://github.com/pyro-ppl/numpyro/pull/263
# The handler hands its key to the sample site, then derives its next key from the same key.
import jax.numpy as jnp
from jax import random


def sample_site(rng, loc, scale):
    value = loc + scale * random.normal(rng, jnp.shape(loc))
    (rng,) = random.split(rng, 1)  # expect: JL005
    return value, rng


def sample_site_fixed(rng, loc, scale):
    rng, rng_sample = random.split(rng)
    value = loc + scale * random.normal(rng_sample, jnp.shape(loc))  # trap: JL005
    return value, rng
