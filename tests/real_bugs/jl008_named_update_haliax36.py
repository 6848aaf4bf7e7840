# Source: https://github.com/marin-community/haliax/issues/36
# Looking for an in-place modification: the .at[] call is used as if it mutated the array.
import jax
import jax.numpy as jnp


def zero_padding_positions(x, pad_mask):
    x = jnp.asarray(x)
    x.at[pad_mask].set(0.0)  # expect: JL008
    return x


def write_window(x, window, start):
    # The reporter's final choice: a dynamic slice update, assigned.
    return jax.lax.dynamic_update_slice(x, window, (start, 0))  # trap: JL008
