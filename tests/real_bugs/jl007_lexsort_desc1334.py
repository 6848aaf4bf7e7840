# Source: https://github.com/PlasmaControl/DESC/issues/1334
# Transform input checks sort basis modes with np.lexsort inside a jitted objective.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def compute_scaled_error(modes, coeffs):
    order = np.lexsort((modes[:, 1], modes[:, 0], modes[:, 2]))  # expect: JL007
    return jnp.sum(coeffs[order] ** 2)


@jax.jit
def compute_scaled_error_fixed(modes, coeffs):
    order = jnp.lexsort((modes[:, 1], modes[:, 0], modes[:, 2]))  # trap: JL007
    return jnp.sum(coeffs[order] ** 2)
