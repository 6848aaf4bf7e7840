# Source: https://github.com/jax-ml/jax/pull/16430
# "z = nullable_value or default_value": `or` converts the traced value to bool.
import jax
import jax.numpy as jnp


@jax.jit
def pick_scale(scale, default):
    scale = scale or default  # expect: JL006
    return jnp.asarray(scale) * 2.0


@jax.jit
def pick_scale_fixed(scale, default):
    # `is None` is a static fact about the argument, not its value.
    scale = default if scale is None else scale  # trap: JL006
    return jnp.asarray(scale) * 2.0
