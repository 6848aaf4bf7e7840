# Source: https://jax.readthedocs.io/en/latest/errors.html
# ConcretizationTypeError: traced value used in control flow.
import jax.numpy as jnp
from jax import jit


@jit
def smaller(x, y):
    return x if x.sum() < y.sum() else y  # expect: JL006


@jit
def smaller_fixed(x, y):
    return jnp.where(x.sum() < y.sum(), x, y)  # trap: JL006
