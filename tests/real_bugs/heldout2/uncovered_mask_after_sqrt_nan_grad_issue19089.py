# Source: https://github.com/jax-ml/jax/issues/19089
# "If I don't provide consistent data for gradient calculation, and try to filter the mess at later stages (pre_filter=False), I get NaN gradient while pre-filtering works OK."
import jax.numpy as jnp
from jax import grad


def f(x):
    delta = jnp.array((0, 1)) * x
    return jnp.sum((delta**0.5)[delta > 0])  # uncovered: mask selection after a domain-unsafe op (NaN gradient)


def f_fixed(x):
    delta = jnp.array((0, 1)) * x
    return jnp.sum(delta[delta > 0] ** 0.5)


print(grad(f)(1.0))
print(grad(f_fixed)(1.0))
