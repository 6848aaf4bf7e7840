# Source: https://github.com/jax-ml/jax/issues/19887
# Printing a reduced encoding inside a jitted, differentiated NeRF loss.
import jax
import jax.numpy as jnp


def nerf_loss(params, x):
    enc = jnp.sin(x @ params)
    max_reflection_encoding = jnp.max(enc)
    print(max_reflection_encoding)  # expect: JL004
    return jnp.mean(enc**2)


train_step = jax.jit(jax.grad(nerf_loss))
