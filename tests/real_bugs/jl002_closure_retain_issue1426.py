# Source: https://github.com/jax-ml/jax/issues/1426
# "JIT loses access to local variables": jit bakes in the closed-over value; changing it later
# has no effect. Reading a closed-over Python value is not a mutation; writing one is.
import jax
import jax.numpy as np


def make_loss():
    a = 10

    def loss_sum(val):
        return np.sum(val[:2] ** 2 + val[2:] ** 3) * a  # trap: JL002

    return jax.jit(jax.grad(loss_sum))


def make_counting_loss():
    calls = [0]

    def loss_sum(val):
        calls[0] += 1  # expect: JL002
        return np.sum(val**2)

    return jax.jit(jax.grad(loss_sum)), calls
