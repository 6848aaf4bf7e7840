# Source: https://github.com/google/jaxonnxruntime/issues/29
# "The size argument of jnp.nonzero must be statically specified to use jnp.nonzero within JAX transformations."
from functools import partial

import jax
import jax.numpy as jnp


@jax.jit
def onnx_nonzero(x):
    return jnp.stack(jnp.nonzero(x))  # expect: JL011


@partial(jax.jit, static_argnames="size")
def onnx_nonzero_fixed(x, size):
    return jnp.stack(jnp.nonzero(x, size=size))  # trap: JL011
