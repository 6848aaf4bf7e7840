# Source: https://github.com/jax-ml/jax/issues/4418
# "IndexError: Array boolean indices must be concrete."
import jax
import jax.numpy as np_jax


@jax.jit
def make_mask(dataset):
    ax1, ax2 = np_jax.where(~dataset[:, 0].any(axis=2))  # expect: JL011
    mask = np_jax.ones(dataset.shape)
    return mask.at[ax1, ax2].set(0)


@jax.jit
def make_mask_fixed(dataset):
    return np_jax.where(~dataset[:, 0].any(axis=2), 0, 1)  # trap: JL011
