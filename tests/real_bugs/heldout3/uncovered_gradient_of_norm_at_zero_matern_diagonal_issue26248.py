# Source: https://github.com/jax-ml/jax/issues/26248
# "This particular situation arises, for example, in the evaluation of the diagonal of the Matern covariance kernel for Gaussian processes in more than one dimension."
import jax
from jax import numpy as jnp


def matern12(scale, x1, x2):
    d = jnp.linalg.norm(scale * (x1 - x2))  # uncovered: nan-gradient-norm-at-zero
    return jnp.exp(-d)


def matern12_diagonal(scale, xs):
    return jax.vmap(lambda x: matern12(scale, x, x))(xs)


# The fix: the double-where trick keeps the norm's derivative away from zero.
def safe_norm(v):
    sq = jnp.sum(v**2)
    is_zero = sq == 0
    return jnp.where(is_zero, 0.0, jnp.sqrt(jnp.where(is_zero, 1.0, sq)))


def matern12_fixed(scale, x1, x2):
    d = safe_norm(scale * (x1 - x2))
    return jnp.exp(-d)


xs = jnp.ones((4, 2))
print(jax.grad(lambda s: matern12_diagonal(s, xs).sum())(1.3))  # nan
print(jax.grad(lambda s: jax.vmap(lambda x: matern12_fixed(s, x, x))(xs).sum())(1.3))
