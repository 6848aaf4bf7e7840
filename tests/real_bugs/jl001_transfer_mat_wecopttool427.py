# Source: https://github.com/sandialabs/WecOptTool/issues/427
# Filling a block transfer matrix row by row: illegal under JAX; the fix uses .at[].set.
import jax.numpy as jnp


def mimo_transfer_mat(blocks, nfreq):
    ndof = len(blocks)
    mat = jnp.zeros((ndof * nfreq, ndof * nfreq))
    for i, block in enumerate(blocks):
        mat[i * nfreq : (i + 1) * nfreq, i * nfreq : (i + 1) * nfreq] = block  # expect: JL001
    return mat


def mimo_transfer_mat_fixed(blocks, nfreq):
    ndof = len(blocks)
    mat = jnp.zeros((ndof * nfreq, ndof * nfreq), dtype=jnp.float32)
    for i, block in enumerate(blocks):
        s = slice(i * nfreq, (i + 1) * nfreq)
        mat = mat.at[s, s].set(block)  # trap: JL001
    return mat


def row_of_ones():
    jax_array = jnp.zeros((3, 3), dtype=jnp.float32)
    updated_array = jax_array.at[1, :].set(1.0)  # trap: JL001
    return updated_array
