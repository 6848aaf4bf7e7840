# Source: https://github.com/jax-ml/jax/issues/196
# The thread's example of abstract evaluation failing on `if x < 0` under jit.
import jax
import jax.numpy as jnp


@jax.jit
def absolute(x):
    if x < 0:  # expect: JL006
        return -x
    return x


def absolute_grad_only(x):
    # Under grad alone, values are concrete: the same `if` works.
    if x < 0:  # trap: JL006
        return -x
    return x


d_absolute = jax.grad(absolute_grad_only)


@jax.jit
def absolute_fixed(x):
    return jnp.abs(x)  # trap: JL006
