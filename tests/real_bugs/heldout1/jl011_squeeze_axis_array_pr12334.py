# Source: https://github.com/jax-ml/jax/pull/12334
# "Previous error: TypeError: iteration over a 0-d array"
import jax


def f(x):
    return jax.numpy.squeeze(x, jax.numpy.array(1))  # expect: JL011


def f_fixed(x):
    return jax.numpy.squeeze(x, 1)  # trap: JL011


jax.jit(f)(jax.numpy.ones((5, 1)))
jax.jit(f_fixed)(jax.numpy.ones((5, 1)))
