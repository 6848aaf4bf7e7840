# Source: https://github.com/jax-ml/jax/issues/1076
# "it's easy to vectorize this function with vanilla numpy": np.where on a vmapped tracer fails.
import jax
import numpy as onp


def kernel_scalar(x, lam=0.18, beta=1.0):
    return onp.where(onp.abs(x) > lam, 0.0, onp.exp(-beta * x**2))  # expect: JL007, JL007, JL007


def kernel(xs):
    return jax.vmap(kernel_scalar)(xs)


def kernel_numpy(xs, lam=0.18, beta=1.0):
    # Vanilla NumPy on NumPy inputs, outside any transformation: fine.
    return onp.where(onp.abs(xs) > lam, 0.0, onp.exp(-beta * xs**2))  # trap: JL007
