# Source: https://github.com/jax-ml/jax/issues/2304
# "idx is an integer but will be converted to ShapedArray while mylist is a list of something. There will be an error because mylist cannot be indexed using a ShapedArray."
import jax.numpy as jnp
from jax import jit


@jit
def f(idx, mylist):
    return mylist[idx]  # expect: JL006


@jit
def f_fixed(idx, myarray):
    return myarray[idx]  # trap: JL006


f(1, [0.5, 1.5, 2.5])
f_fixed(1, jnp.asarray([0.5, 1.5, 2.5]))
