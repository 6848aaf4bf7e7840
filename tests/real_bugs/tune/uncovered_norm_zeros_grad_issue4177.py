# Source: https://github.com/jax-ml/jax/issues/4177
# "In Jax, providing a vector of zeros to the gradient function unexpectedly results in NaN output."
import jax.numpy as np
from jax import grad

vec = np.zeros(2)


def squared_2_norm(x):
    return np.linalg.norm(x) ** 2  # uncovered: gradient at a non-differentiable point


def sum_of_squares(x):
    return np.sum(x**2)


gradient_norm = grad(squared_2_norm)
gradient_sum = grad(sum_of_squares)
print(gradient_norm(vec))
print(gradient_sum(vec))
