# Source: https://github.com/jax-ml/jax/issues/3086
# The jax_check_tracer_leaks example: a jitted function stores its argument in a global.
import jax

x = None


@jax.jit
def f(y):
    global x
    x = y  # expect: JL002
    return y + 2
