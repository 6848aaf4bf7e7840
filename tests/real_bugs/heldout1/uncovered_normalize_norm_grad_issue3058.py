# Source: https://github.com/jax-ml/jax/issues/3058
# "while implementing Pytorch's F.normalize in JAX, I encountered similar NaN gradient issues. Turns out that the calling of jnp.linalg.norm would encounter NaNs."
import jax
import jax.numpy as jnp


def normalize_nan(x, axis):
    norm = jnp.linalg.norm(x, axis=axis, keepdims=True)
    return x / norm  # uncovered: norm at zero under grad


def normalize(x, axis, eps=1e-12):
    norm = jnp.sum(x * x, axis=axis, keepdims=True)
    norm = jnp.where(norm < eps, 1.0, norm)
    norm = jnp.sqrt(norm)
    return x / norm


def loss(x):
    return jnp.mean(jnp.einsum("...qd,...kd->...qk", normalize_nan(x, -1), normalize_nan(x, -1)))


def loss_fixed(x):
    return jnp.mean(jnp.einsum("...qd,...kd->...qk", normalize(x, -1), normalize(x, -1)))


x = jnp.zeros((2, 3, 4))
jax.grad(loss)(x)
jax.grad(loss_fixed)(x)
