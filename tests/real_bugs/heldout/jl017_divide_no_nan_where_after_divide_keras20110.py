# Source: https://github.com/keras-team/keras/pull/20110
# "The current implementation of `keras.ops.divide_no_nan` is non differentiable in Jax and returns `nan` gradients."
import jax
import jax.numpy as jnp


def divide_no_nan(x1, x2):
    return jnp.where(x2 == 0, 0, jnp.divide(x1, x2))  # expect: JL017


# The fix: keep the division itself away from zero, then select.
def divide_no_nan_fixed(x1, x2):
    safe_x2 = jnp.where(x2 == 0, 1, x2)
    return jnp.where(x2 == 0, 0, jnp.divide(x1, safe_x2))  # trap: JL017


x1 = jnp.array(1, dtype=jnp.float32)
x2 = jnp.array(0, dtype=jnp.float32)
print(jax.grad(divide_no_nan)(x1, x2))
print(jax.grad(divide_no_nan_fixed)(x1, x2))
