# Source: https://github.com/jax-ml/jax/issues/1629
# "TypeError: 'JaxprTracer' object cannot be interpreted as an integer"
from functools import partial

import jax
import jax.numpy as np


def functional(X, m, n):
    r = X.shape[0]
    X_imshape = np.reshape(X, (r, m, n), order="F")  # expect: JL011
    return np.sum(np.diff(X_imshape, axis=1) ** 2)


def functional_fixed(X, m, n):
    r = X.shape[0]
    X_imshape = np.reshape(X, (r, m, n), order="F")  # trap: JL011
    return np.sum(np.diff(X_imshape, axis=1) ** 2)


grad_fn = jax.jit(jax.grad(functional))
grad_fn_fixed = jax.jit(jax.grad(functional_fixed), static_argnums=(1, 2))
grad_fn(np.ones((3, 20)), 4, 5)
grad_fn_fixed(np.ones((3, 20)), 4, 5)
