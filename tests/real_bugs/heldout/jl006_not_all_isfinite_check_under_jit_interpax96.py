# Source: https://github.com/f0uriest/interpax/issues/96
# "These runtime checks are not jit compatible, in order to match the scipy API, including error types."
import jax
import jax.numpy as jnp
import numpy as np


def prepare_input(x, y, check=True):
    x = jnp.asarray(x)
    y = jnp.asarray(y)
    if check:
        if not jnp.all(jnp.isfinite(x)):  # expect: JL006
            raise ValueError("x must contain only finite values.")
    return x, y


def cubic_spline(x, y, check=True):
    x, y = prepare_input(x, y, check)
    return jnp.diff(y) / jnp.diff(x)


# The fix: pass check=False as a static argument, so the check is never traced.
def prepare_input_unchecked(x, y, check):
    x = jnp.asarray(x)
    y = jnp.asarray(y)
    if check:
        if not jnp.all(jnp.isfinite(x)):  # trap: JL006
            raise ValueError("x must contain only finite values.")
    return x, y


def cubic_spline_fixed(x, y, check=True):
    x, y = prepare_input_unchecked(x, y, check)
    return jnp.diff(y) / jnp.diff(x)


x = np.array([0.0, 1.0, 2.0])
y = np.array([0.0, 1.0, 4.0])
print(jax.jit(cubic_spline_fixed, static_argnames=["check"])(x, y, check=False))
print(jax.jit(cubic_spline)(x, y))
