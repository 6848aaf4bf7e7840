# Source: https://github.com/jax-ml/jax/issues/204
# "I have a function that works fine without jit, but bombs with jit. The issue seems to be that the shape of the array contains tracing constructs"
from functools import partial

import jax.numpy as np
import numpy as onp
from jax import jit, lax


def dynamic_update_slice_test(first_row, pad_to_length):
    width = first_row.shape[0]
    empty_array = lax.full((pad_to_length, width), 0, first_row.dtype)  # expect: JL011
    first_row_reshaped = np.reshape(first_row, (1, width))
    return lax.dynamic_update_slice(empty_array, first_row_reshaped, (0, 0))


@partial(jit, static_argnums=1)
def dynamic_update_slice_fixed(first_row, pad_to_length):
    width = first_row.shape[0]
    empty_array = lax.full((pad_to_length, width), 0, first_row.dtype)  # trap: JL011
    first_row_reshaped = np.reshape(first_row, (1, width))
    return lax.dynamic_update_slice(empty_array, first_row_reshaped, (0, 0))


dynamic_update_slice_test_jit = jit(dynamic_update_slice_test)
dynamic_update_slice_test_jit(onp.array([1, 2]), 4)
dynamic_update_slice_fixed(onp.array([1, 2]), 4)
