# Source: https://github.com/jax-ml/jax/issues/9288
# "i am being jitted": a constant message at the top of a jitted function is the idiom for
# seeing when tracing happens.
import jax


def unjitted_loop_body(prev_i):
    print("i am being jitted")  # trap: JL004
    return prev_i + 1


def g_inner_jitted_poorly(x, n):
    i = 0
    while i < n:
        # A new lambda each iteration: compiled again every time.
        i = jax.jit(lambda v: unjitted_loop_body(v))(i)  # expect: JL003
    return x + i


def g_inner_jitted_rewrap(x, n):
    i = 0
    while i < n:
        # The same function object: the cache hits (JL009, off by default).
        i = jax.jit(unjitted_loop_body)(i)  # trap: JL003
    return x + i


body_jit = jax.jit(unjitted_loop_body)


def g_outer(x, n):
    i = 0
    while i < n:
        i = body_jit(i)  # trap: JL003
    return x + i
