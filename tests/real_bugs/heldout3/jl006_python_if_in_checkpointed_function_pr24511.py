# Source: https://github.com/jax-ml/jax/pull/24511
# "jax.errors.ConcretizationTypeError: Attempted boolean conversion of traced array with shape bool[]. The error occurred while tracing the function f at ... for checkpoint."
import jax
import jax.numpy as jnp


@jax.remat
def f(x):
    if x > 0:  # expect: JL006
        return x
    else:
        return jnp.sin(x)


@jax.remat
def f_fixed(x):
    return jnp.where(x > 0, x, jnp.sin(x))  # trap: JL006


f(3.0)
f_fixed(3.0)
