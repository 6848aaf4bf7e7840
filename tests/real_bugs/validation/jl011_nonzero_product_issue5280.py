# Source: https://github.com/jax-ml/jax/issues/5280
# "The nonzero function returns a value whose shape depends on the contents of the inputs, so it is not compatible with JIT."
import jax.numpy as jnp
from jax import jit


@jit
def f(a):
    return a[jnp.nonzero(a)].prod()  # expect: JL011


@jit
def f_fixed(a):
    return jnp.where(a != 0, a, 1).prod()  # trap: JL011
