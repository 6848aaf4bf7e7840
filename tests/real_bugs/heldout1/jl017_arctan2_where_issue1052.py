# Source: https://github.com/jax-ml/jax/issues/1052
# "I have come across an issue that I think is almost identical to #347, except with arctan2"
import jax.numpy as np
from jax import grad


def test(a):
    b = np.arctan2(a, a)
    temp = np.array([0.0, 1.0, 0.0])
    c = np.where(temp > 0.5, 0.0, b)  # expect: JL017
    return np.sum(c)


def test_fixed(a):
    temp = np.array([0.0, 1.0, 0.0])
    safe_a = np.where(temp > 0.5, 1.0, a)
    b = np.arctan2(safe_a, safe_a)
    c = np.where(temp > 0.5, 0.0, b)  # trap: JL017
    return np.sum(c)


aa = np.array([3.0, 0.0, -5.0])
print(grad(test)(aa))
print(grad(test_fixed)(aa))
