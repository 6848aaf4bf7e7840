"""Raises while being imported."""

import jax.numpy as jnp


def never_reached(x):
    return x


JAXLINT_EXAMPLES = {"never_reached": (jnp.ones(2),)}

raise RuntimeError("this module refuses to import")
