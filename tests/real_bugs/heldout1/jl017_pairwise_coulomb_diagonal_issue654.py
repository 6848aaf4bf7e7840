# Source: https://github.com/jax-ml/jax/issues/654
# "jacfwd gives different results from jacrev"
import jax
import jax.numpy as np


def distance(ri, rj):
    return np.linalg.norm(ri - rj, axis=-1)


def pairwise(conf, charges):
    ri = np.expand_dims(conf, 0)
    rj = np.expand_dims(conf, 1)
    dij = distance(ri, rj)
    qij = np.expand_dims(charges, 0) * np.expand_dims(charges, 1)
    keep_mask = 1 - np.eye(conf.shape[0])
    eij = np.where(keep_mask, qij / dij, np.zeros_like(dij))  # expect: JL017
    return np.sum(eij)


def pairwise_fixed(conf, charges):
    ri = np.expand_dims(conf, 0)
    rj = np.expand_dims(conf, 1)
    keep_mask = 1 - np.eye(conf.shape[0])
    diff = np.where(keep_mask[..., None], ri - rj, np.ones_like(ri - rj))
    dij = np.sqrt(np.sum(diff**2, axis=-1))
    qij = np.expand_dims(charges, 0) * np.expand_dims(charges, 1)
    eij = np.where(keep_mask, qij / dij, np.zeros_like(dij))  # trap: JL017
    return np.sum(eij)


charges = np.array([1.3, 0.3, 0.3], dtype=np.float32)
conf = np.array([[0.06, 0.01, 0.22], [1.05, -0.20, 1.28], [2.39, 1.22, -0.22]])
print(jax.jacrev(pairwise, 0)(conf, charges))
print(jax.jacrev(pairwise_fixed, 0)(conf, charges))
