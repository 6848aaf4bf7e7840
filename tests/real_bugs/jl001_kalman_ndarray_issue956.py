# Source: https://github.com/jax-ml/jax/issues/956
# A Kalman filter written against `import jax.numpy as np`: a scalar is boxed by item assignment.
import jax.numpy as np


def to_ndarray(x):
    x_2d = np.zeros((1, 1))
    x_2d[0, 0] = x  # expect: JL001
    return x_2d


def kalman_gain(p, h, r):
    # np here is jax.numpy: np.linalg.inv is JAX and works on tracers.
    return p @ h.T @ np.linalg.inv(h @ p @ h.T + r)  # trap: JL001
