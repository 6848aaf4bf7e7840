# Source: https://github.com/QuantEcon/lecture-jax/issues/159
# "It looks like JAX is sorting in place now." / "For me, its still not inplace"
import jax.numpy as jnp


def sorted_copy():
    a = jnp.array((2, 1))
    a.sort()  # expect: JL008
    return a


def sorted_copy_fixed():
    a = jnp.array((2, 1))
    a = a.sort()
    return a
