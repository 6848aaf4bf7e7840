# Source: https://github.com/jax-ml/jax/issues/1076
# A scalar kernel with a Python `if`, vectorized with vmap (no explicit jit).
import jax.numpy as np
from jax import vmap


def kernel_scalar(x, lam=0.18, beta=1.0):
    if np.abs(x) > lam:  # expect: JL006
        return 0.0
    else:
        return np.exp(-beta * x**2)


def kernel(xs):
    return vmap(kernel_scalar)(xs)


def kernel_scalar_where(x, lam=0.18, beta=1.0):
    return np.where(np.abs(x) > lam, 0.0, np.exp(-beta * x**2))  # trap: JL006


def kernel_fixed(xs):
    return vmap(kernel_scalar_where)(xs)
