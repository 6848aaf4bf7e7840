# Source: https://github.com/jax-ml/jax/issues/4409
# "It thinks `num_splittings` a `Traced<ShapedArray(int64[])>`, however `depth` is a constant, and is not an argument to any jitted function."
import jax
import jax.numpy as jnp
import numpy as np
from jax import random


@jax.jit
def cluster_keys(key, mu):
    num_clusters = mu.shape[0]  # 2^(depth-1)
    depth = jnp.log2(num_clusters) + 1
    depth = depth.astype(jnp.int_)
    num_splittings = 2 ** (depth - 1) - 1
    keys = random.split(key, num_splittings)  # expect: JL011
    return keys


@jax.jit
def cluster_keys_fixed(key, mu):
    num_clusters = mu.shape[0]
    depth = int(np.log2(num_clusters)) + 1
    num_splittings = 2 ** (depth - 1) - 1
    keys = random.split(key, num_splittings)  # trap: JL011
    return keys


key_a, key_b = random.split(random.PRNGKey(0))
cluster_keys(key_a, jnp.zeros((8, 2)))
cluster_keys_fixed(key_b, jnp.zeros((8, 2)))
