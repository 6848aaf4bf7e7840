# Source: https://github.com/jax-ml/jax/issues/9374
# "The following program crashes with jax._src.errors.UnexpectedTracerError: Encountered an unexpected tracer."
import functools as ft

import jax
import jax.lax as lax


@ft.partial(jax.custom_jvp, nondiff_argnums=(0,))  # uncovered: array-valued nondiff_argnums
def f(x, y):
    return y


@f.defjvp
def f_jvp(x, y, tang_y):
    x + 1
    (y,) = y
    (tang_y,) = tang_y
    return y, tang_y


@jax.custom_jvp
def f_fixed(x, y):
    return y


@f_fixed.defjvp
def f_fixed_jvp(primals, tangents):
    _, y = primals
    _, tang_y = tangents
    return y, tang_y


def g(y, x):
    return lax.cond(x < y, f, lambda _x, _y: _y, x, y)


jax.grad(g)(1.0, 1.0)
