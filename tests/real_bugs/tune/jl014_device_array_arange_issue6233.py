# Source: https://github.com/jax-ml/jax/issues/6233
# "TypeError: JAX DeviceArray, like numpy.ndarray, is not hashable."
import jax.numpy as jnp
from jax import jit


def f(x):
    return jnp.arange(-x, x)


f_jit = jit(f, static_argnums=0)
arange_jit = f_jit(int(5))  # trap: JL014
x_device_array = jnp.add(4, 1)
arange_jit = f_jit(x_device_array)  # expect: JL014
