# Source: https://github.com/jax-ml/jax/issues/23065
# "custom_jvp leaks tracers if they're marked as nondiff_argnum"
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.custom_jvp, nondiff_argnums=(1,))  # uncovered: array-valued nondiff_argnums
def f(x, indices):
    return x[indices]


@f.defjvp
def f_jvp(indices, primals, tangents):
    (x,) = primals
    (x_dot,) = tangents
    return f(x, indices), x_dot[indices]


@jax.custom_jvp
def f_fixed(x, indices):
    return x[indices]


@f_fixed.defjvp
def f_fixed_jvp(primals, tangents):
    x, indices = primals
    x_dot, _ = tangents
    return f_fixed(x, indices), x_dot[indices]


f = jax.jit(f)
x = jnp.arange(10.0)
indices = jnp.array([1, 3, 5])
jax.jacobian(f)(x, indices)
