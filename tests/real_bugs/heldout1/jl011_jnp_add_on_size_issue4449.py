# Source: https://github.com/jax-ml/jax/issues/4449
# "Using version 0.2.0 (e.g. on colab), the same thing fails with a `TypeError: Shapes must be 1D sequences of concrete values of integer type`"
import jax
import jax.numpy as jnp


@jax.jit
def custom_ones(arr):
    count = jnp.add(arr.size, 1)
    return jnp.ones((count,))  # expect: JL011


@jax.jit
def custom_ones_fixed(arr):
    count = arr.size + 1
    return jnp.ones((count,))  # trap: JL011


a = jnp.ones((3,))
custom_ones(a)
custom_ones_fixed(a)
