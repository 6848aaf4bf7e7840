# Source: https://github.com/mpi4jax/mpi4jax/issues/20
# A destination rank is converted with NumPy while building the op under jit.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def send(x, dest):
    tag = np.int32(dest)  # expect: JL007
    return x + tag


@jax.jit
def send_fixed(x, dest):
    return x + jnp.int32(dest)  # trap: JL007
