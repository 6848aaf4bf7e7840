# Source: https://github.com/jax-ml/jax/issues/3407
# "I discovered that our tests are now producing NaNs in the reference jax implementation."
import jax
import jax.numpy as np


def f(x):
    ri = np.expand_dims(x, 0)
    rj = np.expand_dims(x, 1)
    dxdydz = np.power(ri - rj, 2)
    dij = np.sqrt(np.sum(dxdydz, axis=-1))

    keep_mask = 1 - np.eye(x.shape[0])  # keep everything except diagonals
    dij = np.where(keep_mask, dij, np.zeros_like(dij))  # expect: JL017
    eij = np.where(keep_mask, 1 / dij, np.zeros_like(dij))  # expect: JL017
    return np.sum(eij)


def f_fixed(x):
    keep_mask = 1 - np.eye(x.shape[0])
    ri = np.expand_dims(x, 0)
    rj = np.expand_dims(x, 1)
    d2ij = np.sum(np.power(ri - rj, 2), axis=-1)
    d2ij = np.where(keep_mask, d2ij, np.ones_like(d2ij))
    dij = np.sqrt(d2ij)
    eij = np.where(keep_mask, 1 / dij, np.zeros_like(dij))  # trap: JL017
    return np.sum(eij)


x = np.array([[1.0, 2.0, 3.0], [0.2, 4.0, 6.0]])
df = jax.grad(f, argnums=(0,))
print(df(x))
print(jax.grad(f_fixed, argnums=(0,))(x))
