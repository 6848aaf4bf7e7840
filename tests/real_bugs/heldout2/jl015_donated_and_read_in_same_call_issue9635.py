# Source: https://github.com/jax-ml/jax/issues/9635
# "When accidentally passing in the same buffer to a jitted function twice and that buffer should be donated, the execution of the function just hangs making it hard to debug."
import jax
import jax.numpy as jnp


def add(x, y):
    return x + y


f = jax.jit(add, donate_argnums=(0,))
x = jnp.zeros((10,), jnp.float32)

f(x, x)  # expect: JL015

# The fix: do not hand the donated buffer to the same call a second time.
y = jnp.zeros((10,), jnp.float32)
z = f(y, jnp.ones((10,), jnp.float32))  # trap: JL015
