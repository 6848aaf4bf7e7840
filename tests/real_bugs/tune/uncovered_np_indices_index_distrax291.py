# Source: https://github.com/google-deepmind/distrax/issues/291
# "jax.errors.TracerArrayConversionError: The numpy.ndarray conversion method __array__() was called on traced array with shape bool[3,3]"
import jax
import jax.numpy as jnp
import numpy as np


def to_batch_shape_index(batch_shape, index):
    return [x[index] for x in np.indices(batch_shape)]  # expect: JL007


def to_batch_shape_index_fixed(batch_shape, index):
    return [x[index] for x in jnp.indices(batch_shape)]


@jax.jit
def foo(logits):
    mask = jnp.arange(logits.shape[0])
    return to_batch_shape_index(logits.shape, mask), to_batch_shape_index_fixed(logits.shape, mask)
