# Source: https://github.com/jax-ml/jax/issues/5798
# "df(0.0) evaluates to nan, presumably because the second case of the where is nan in that case"
import jax.numpy as np
from jax import grad


def f(x):
    return np.where(x < 1.0, x, np.sqrt(x))  # expect: JL017


def f_fixed(x):
    condition = x < 1
    x_valid = np.where(condition, 1, x)
    return np.where(condition, x, np.sqrt(x_valid))  # trap: JL017


df = grad(f)
df(0.0)
grad(f_fixed)(0.0)
