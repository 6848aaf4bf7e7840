# Source: https://github.com/scipy/scipy/pull/22070
# _lazywhere: an output array is allocated, then filled where the condition fails.
import jax.numpy as jnp


def lazywhere(cond, arrays, f, f2):
    temp1 = jnp.asarray(f(*(arr[cond] for arr in arrays)))
    temp2 = jnp.asarray(f2(*(arr[~cond] for arr in arrays)))
    out = jnp.empty(cond.shape, dtype=jnp.result_type(temp1, temp2))
    out[cond] = temp1  # expect: JL001
    out[~cond] = temp2  # expect: JL001
    return out


def lazywhere_fixed(cond, arrays, f, f2):
    temp1 = jnp.asarray(f(*(arr[cond] for arr in arrays)))
    temp2 = jnp.asarray(f2(*(arr[~cond] for arr in arrays)))
    out = jnp.empty(cond.shape, dtype=jnp.result_type(temp1, temp2))
    out = out.at[cond].set(temp1)  # trap: JL001
    out = out.at[~cond].set(temp2)
    return out
