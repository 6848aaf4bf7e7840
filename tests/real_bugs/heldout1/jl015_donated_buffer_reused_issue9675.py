# Source: https://github.com/jax-ml/jax/issues/9675
# "JAX now raises a ValueError: INVALID_ARGUMENT: Invalid buffer passed: buffer has been deleted or donated"
import jax

buf = jax.numpy.array(1)


def f(x):
    return x + 1


f_jit = jax.jit(f, donate_argnums=(0,))

f_jit(buf)
f_jit(buf)  # expect: JL015

state = jax.numpy.array(1)
state = f_jit(state)
state = f_jit(state)  # trap: JL015
