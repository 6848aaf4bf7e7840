# Source: https://github.com/google-deepmind/weathernext/issues/41
# Normalized inputs are converted with np.asarray inside the jitted apply function.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def apply_fn(params, inputs, mean, std):
    normalized = (inputs - mean) / std
    data = np.asarray(normalized)  # expect: JL007
    return jnp.tanh(data @ params)


@jax.jit
def apply_fn_fixed(params, inputs, mean, std):
    normalized = (inputs - mean) / std
    return jnp.tanh(jnp.asarray(normalized) @ params)  # trap: JL007
