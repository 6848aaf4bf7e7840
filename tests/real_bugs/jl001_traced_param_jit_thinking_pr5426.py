# Source: https://github.com/jax-ml/jax/pull/5426
# "Unlike NumPy arrays, JAX arrays are always immutable": an in-place update on a jit argument.
import jax
import jax.numpy as jnp


@jax.jit
def reset_first(x):
    x[0] = 10  # expect: JL001
    return x


@jax.jit
def reset_first_fixed(x):
    return x.at[0].set(10)  # trap: JL001


def scale_rows(x: jax.Array, s):
    x[:, 0] *= s  # expect: JL001
    return x


def scale_rows_dict(params, s):
    # A dict of parameters is a Python container: item assignment on it is fine.
    params["w"] = params["w"] * s  # trap: JL001
    return params


def scale_rows_fixed(x: jax.Array, s):
    return x.at[:, 0].multiply(s)  # trap: JL001


def ones_row():
    y = jnp.ones((3, 3))
    y = y.at[1].set(0.0)
    return y
