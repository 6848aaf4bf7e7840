# Source: https://github.com/mdhaber/marray/issues/146
# Masked-array helpers mutate their data and mask arrays; under JAX they must be functional.
import jax.numpy as jnp


def fill_masked(data, mask, fill_value):
    data = jnp.asarray(data)
    data[mask] = fill_value  # expect: JL001
    return data


def mask_invalid(data):
    data = jnp.asarray(data)
    mask = jnp.zeros(data.shape, dtype=bool)
    mask[~jnp.isfinite(data)] = True  # expect: JL001
    return mask


def fill_masked_fixed(data, mask, fill_value):
    data = jnp.asarray(data)
    return data.at[mask].set(fill_value)  # trap: JL001
