# Source: https://openillumi.com/?p=109328
# MSE loss written with NumPy, differentiated with jax.grad: TracerArrayConversionError.
import jax.numpy as jnp
import numpy as np
from jax import grad


def f(params, x, y):
    return np.mean(np.power((params["w"] * x + params["b"]) - y, 2))  # expect: JL007


df = grad(f)


def f_fixed(params, x, y):
    return jnp.mean(jnp.power((params["w"] * x + params["b"]) - y, 2))  # trap: JL007


df_fixed = grad(f_fixed)


def make_data():
    x = np.linspace(0, 1, 100)
    y = 2 * x + 3 + np.random.randn(100)  # trap: JL007
    return x, y
