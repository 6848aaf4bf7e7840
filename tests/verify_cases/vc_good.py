"""A healthy module, verified next to broken ones to show their failures stay contained.

Its JAXLINT_EXAMPLES is built by a call, so only the worker (not the parent's static
reading) learns which functions it names.
"""

import jax.numpy as jnp


def double(x):
    return 2.0 * x


JAXLINT_EXAMPLES = dict(double=(jnp.ones(2),))
