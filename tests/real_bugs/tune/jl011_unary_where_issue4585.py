# Source: https://github.com/jax-ml/jax/issues/4585
# "Currently, it's not possible to do things like jit(jnp.where(a>1))(jnp.arange(3)) because nonzero is not jittable."
import jax.numpy as jnp
from jax import jit


@jit
def largest_location(a):
    return jnp.where(a == jnp.max(a))  # expect: JL011


@jit
def largest_location_fixed(a):
    return jnp.unravel_index(jnp.argmax(a.flatten()), a.shape)  # trap: JL011
