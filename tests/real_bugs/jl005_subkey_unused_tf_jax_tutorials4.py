# Source: https://github.com/AakashKumarNain/TF_JAX_tutorials/issues/4
# The tutorial splits, then samples with the parent key instead of the subkey.
from jax import random


def random_rotations(key, batch_size):
    key, subkey = random.split(key)
    rotate = random.randint(key, shape=[batch_size], minval=0, maxval=2)
    flip = random.bernoulli(key, 0.5, shape=[batch_size])  # expect: JL005
    return rotate, flip, key


def draws_fixed():
    # The reporter's corrected loop: split every iteration, sample with the subkey.
    key = random.PRNGKey(42)
    out = []
    for _ in range(3):
        key, subkey = random.split(key)
        out.append(random.normal(key=subkey))  # trap: JL005
    return out
