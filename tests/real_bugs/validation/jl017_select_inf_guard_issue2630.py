# Source: https://github.com/jax-ml/jax/issues/2630
# "This causes code designed to guard against nans to not work, e.g. jnp.where(x <= 0, 0, jnp.sqrt(x))"
import jax
import jax.numpy as jnp


def f(x):
    return jnp.where(x <= 0, 0.0, jnp.sqrt(x))  # expect: JL017


def f_fixed(x):
    safe = jnp.where(x <= 0, 1.0, x)
    return jnp.where(x <= 0, 0.0, jnp.sqrt(safe))  # trap: JL017


jax.grad(f)(0.0)
jax.grad(f_fixed)(0.0)
