# Source: https://github.com/jax-ml/jax/issues/347
# "If you take gradients through np.where and one of the branches is nan, the gradient will be nan even if the branch is not taken."
import jax.numpy as np
from jax import grad


def test_fail(x):
    x = np.sqrt(np.sum(x**2, axis=1))
    ones = np.ones_like(x)
    x = np.where(x > 0.5, x, ones)  # expect: JL017
    return np.sum(x)


def test_succeed(x):
    x = np.sum(x**2, axis=1)
    ones = np.ones_like(x)
    x = np.sqrt(np.where(x > 0.5, x, ones))  # trap: JL017
    return np.sum(x)


x = np.array([[1, 2], [3, 4], [0, 0]], dtype=np.float32)
grad(test_fail)(x)
grad(test_succeed)(x)
