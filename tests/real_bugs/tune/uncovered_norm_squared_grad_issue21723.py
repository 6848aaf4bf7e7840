# Source: https://github.com/jax-ml/jax/issues/21723
# "jax.grad returns nan when computing the gradient of a norm evaluated at 0."
import jax
import jax.numpy as jnp


def f(x):
    return jnp.linalg.norm(x) ** 2  # uncovered: gradient at a non-differentiable point


def f_fixed(x):
    return jnp.sum(x**2)


jax.grad(f)(0.0)
jax.grad(f_fixed)(0.0)
