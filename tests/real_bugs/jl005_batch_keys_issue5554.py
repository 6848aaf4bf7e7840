# Source: https://github.com/jax-ml/jax/issues/5554
# Creating a batch of keys and also updating the original key: correct as written.
import jax


def get_batch_keys(key, batch_size):
    keys = jax.random.split(key, batch_size + 1)
    return keys[0], keys[1:]  # trap: JL005


def two_level_keys(key, i, j):
    # From https://github.com/jax-ml/jax/issues/5549: one block of keys reshaped for a double vmap.
    keys = jax.random.split(key, i * j).reshape((i, j) + key.shape)
    return jax.vmap(jax.vmap(lambda k: jax.random.normal(k, [])))(keys)  # trap: JL005


def two_keys_from_one(key):
    # From the same thread: merging by summing keys, then reusing the parent.
    a = jax.random.split(key)[0]
    b = jax.random.normal(key, ())  # expect: JL005
    return a, b
