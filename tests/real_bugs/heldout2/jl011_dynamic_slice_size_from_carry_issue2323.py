# Source: https://github.com/jax-ml/jax/issues/2323
# "What seems to be happening is `dynamic_slice_in_dim` attempts to cast `input_offset` and/or `batch_size` as int() which throws since they're traced and don't support this cast?"
import jax.numpy as jnp
from jax import lax
from jax.lax import dynamic_slice_in_dim


def unpack(batch_sizes, packed_input_data):
    def body_fun(i, val):
        batch_sizes, packed_input_data, input_offset, total = val
        batch_size = batch_sizes[i]
        batch = dynamic_slice_in_dim(packed_input_data, input_offset, batch_size)  # expect: JL011
        input_offset += batch_size
        return batch_sizes, packed_input_data, input_offset, total + batch.sum()

    init = (batch_sizes, packed_input_data, 0, 0.0)
    return lax.fori_loop(0, batch_sizes.shape[0], body_fun, init)


def unpack_fixed(batch_sizes, packed_input_data, max_batch_size):
    def body_fun(i, val):
        batch_sizes, packed_input_data, input_offset, total = val
        batch_size = batch_sizes[i]
        window = dynamic_slice_in_dim(packed_input_data, input_offset, max_batch_size)  # trap: JL011
        mask = jnp.arange(max_batch_size)[:, None] < batch_size
        total = total + jnp.where(mask, window, 0.0).sum()
        return batch_sizes, packed_input_data, input_offset + batch_size, total

    init = (batch_sizes, packed_input_data, 0, 0.0)
    return lax.fori_loop(0, batch_sizes.shape[0], body_fun, init)


batch_sizes = jnp.array([3, 2, 1])
packed = jnp.ones((6, 4))
unpack(batch_sizes, packed)
unpack_fixed(batch_sizes, packed, 3)
