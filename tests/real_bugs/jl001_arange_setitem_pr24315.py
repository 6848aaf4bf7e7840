# Source: https://github.com/jax-ml/jax/pull/24315
# "JAX arrays are immutable and do not support in-place item assignment."
import jax


def first_to_one():
    x = jax.numpy.arange(4)
    x[0] = 1  # expect: JL001
    return x


def first_to_one_fixed():
    x = jax.numpy.arange(4)
    x = x.at[0].set(1)  # trap: JL001
    return x
