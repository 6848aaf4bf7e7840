# Source: https://github.com/jax-ml/jax/issues/282
# "vjp_fun needs be recompiled for each x": jax.jit applied to a fresh vjp closure per input.
import jax
import jax.numpy as jnp


def f(x):
    return jnp.tanh(x) ** 2


def backward_passes(many_xs, many_vs):
    out = []
    for x in many_xs:
        fx, vjp_fun = jax.vjp(f, x)
        vjp_fun = jax.jit(vjp_fun)  # expect: JL003
        for v in many_vs:
            out.append(vjp_fun(v))
    return out


@jax.jit
def new_vjp_fun(x, v):
    _, vjp_fun = jax.vjp(f, x)
    return vjp_fun(v)


def backward_passes_fixed(many_xs, many_vs):
    out = []
    for x in many_xs:
        for v in many_vs:
            out.append(new_vjp_fun(x, v))  # trap: JL003
    return out
