# Source: https://github.com/jax-ml/jax/issues/24858
# A Tracer used as a Python condition inside a jitted update (assert, then cond).
import jax
import jax.numpy as jnp


@jax.jit
def update(x, step):
    assert step > 0  # expect: JL006
    return x - step * jnp.sign(x)


@jax.jit
def update_fixed(x, step):
    return jax.lax.cond(step > 0, lambda v: v - step * jnp.sign(v), lambda v: v, x)  # trap: JL006
