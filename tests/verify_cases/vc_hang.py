"""One function sleeps far past any sensible timeout."""

import time

import jax.numpy as jnp


def fine_first(x):
    return x * 2.0


def sleeps(x):
    time.sleep(600)
    return x


JAXLINT_EXAMPLES = {"fine_first": (jnp.ones(2),), "sleeps": (jnp.ones(2),)}
