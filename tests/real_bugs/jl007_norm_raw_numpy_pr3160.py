# Source: https://github.com/jax-ml/jax/pull/3160
# "This error can occur when a JAX Tracer object is passed to a raw numpy function."
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def normalize(x):
    return x / np.linalg.norm(x)  # expect: JL007


@jax.jit
def clip_and_exp(x):
    y = np.clip(x, -5.0, 5.0)  # expect: JL007
    return np.exp(y)  # expect: JL007


@jax.jit
def normalize_fixed(x):
    return x / jnp.linalg.norm(x)  # trap: JL007


@jax.jit
def count_params(x):
    # NumPy on static facts is fine.
    return x.reshape(-1)[: int(np.prod(x.shape))]  # trap: JL007
