# Source: https://github.com/jax-ml/jax/issues/101
# Building a training set by slice assignment into a jax.numpy array.
import jax.numpy as np
import numpy as onp


def load_batches(chunks):
    x_train = np.zeros((50000, 32, 32, 3))
    for i, data in enumerate(chunks, start=1):
        x_train[(i - 1) * 10000 : i * 10000, :, :, :] = data  # expect: JL001
    return x_train


def load_batches_fixed(chunks):
    # mattjj's answer: build it with original NumPy, then hand it to JAX.
    x_train = onp.zeros((50000, 32, 32, 3))
    for i, data in enumerate(chunks, start=1):
        x_train[(i - 1) * 10000 : i * 10000, :, :, :] = data  # trap: JL001
    return np.asarray(x_train)


def pairs():
    x = onp.zeros((10, 3))
    for i in range(10):
        x[i, :] = (i, 2 * i, 3 * i)  # trap: JL001
    return x
