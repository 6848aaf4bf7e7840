"""One function aborts the whole process."""

import os

import jax.numpy as jnp


def fine_before(x):
    return x + 1.0


def aborts(x):
    os.abort()


def never_run(x):
    return x


JAXLINT_EXAMPLES = {
    "fine_before": (jnp.ones(2),),
    "aborts": (jnp.ones(2),),
    "never_run": (jnp.ones(2),),
}
