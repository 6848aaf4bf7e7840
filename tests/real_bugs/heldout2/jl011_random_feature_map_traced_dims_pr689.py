# Source: https://github.com/jax-ml/jax/pull/689
# "Given code like this: ... On master this error is raised"
from functools import partial

import jax.numpy as np
from jax import jit, random


@jit
def feature_map(n, d, sigma=1.0, seed=123):
    key = random.PRNGKey(seed)
    W = random.normal(key, (d, n)) / sigma  # expect: JL011
    w = random.normal(key, (d,)) / sigma  # expect: JL005, JL011
    b = 2 * np.pi * random.uniform(key, (d,))  # expect: JL005, JL011

    phi = lambda x, t: np.sqrt(2.0 / d) * np.cos(np.matmul(W, x) + w * t + b)
    return phi  # uncovered: a jitted function returns a Python callable


@partial(jit, static_argnums=(0, 1))
def feature_params(n, d, key, sigma=1.0):
    key_W, key_w, key_b = random.split(key, 3)
    W = random.normal(key_W, (d, n)) / sigma  # trap: JL011
    w = random.normal(key_w, (d,)) / sigma  # trap: JL005, JL011
    b = 2 * np.pi * random.uniform(key_b, (d,))  # trap: JL005, JL011
    return W, w, b


def feature_map_fixed(n, d, sigma=1.0, seed=123):
    W, w, b = feature_params(n, d, random.PRNGKey(seed), sigma)
    return lambda x, t: np.sqrt(2.0 / d) * np.cos(np.matmul(W, x) + w * t + b)


phi = feature_map(5, 3)
phi_fixed = feature_map_fixed(5, 3)
