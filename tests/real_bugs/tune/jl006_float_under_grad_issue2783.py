# Source: https://github.com/jax-ml/jax/issues/2783
# "TypeError: JAX Tracer object cannot be interpreted as a float. Try using `x.astype(float)` instead."
import jax
import jax.numpy as jnp


def func(x):
    return x if float(x) >= 0.0 else -x  # expect: JL006


def func_fixed(x):
    return jnp.where(x >= 0.0, x, -x)  # trap: JL006


print(jax.grad(func)(3.0))
print(jax.grad(func_fixed)(3.0))
