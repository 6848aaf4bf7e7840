# Source: https://github.com/jax-ml/jax/issues/929
# lax.psum(1, axis_name) is the axis size as a Python number: no communication, static.
import jax
from jax import lax


def pmean(x, axis_name):
    return lax.psum(x, axis_name) / lax.psum(1, axis_name)


def tree_reduce(x, axis_name):
    n = lax.psum(1, axis_name)
    if n > 1:  # trap: JL006
        x = pmean(x, axis_name)
    return x


def tree_reduce_value(x, axis_name):
    total = lax.psum(x, axis_name)
    if total > 0:  # expect: JL006
        return total
    return x


reduce_all = jax.pmap(tree_reduce, axis_name="i", static_broadcasted_argnums=1)
reduce_value = jax.pmap(tree_reduce_value, axis_name="i", static_broadcasted_argnums=1)
