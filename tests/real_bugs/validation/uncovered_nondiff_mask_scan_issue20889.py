# Source: https://github.com/jax-ml/jax/issues/20889
# "When using custom_jvp or custom_vjp, don't use nondiff_argnums for array-valued arguments. It'll often lead to 'encountered an unexpected tracer' errors."
import jax
from jax import numpy as jnp


def func_fwd(arr, mask):
    return arr * mask


def func_jvp(mask, primals, tangents):
    def f(arr):
        return arr * mask

    return jax.jvp(f, primals, tangents)


func = jax.custom_jvp(func_fwd, nondiff_argnums=(1,))  # uncovered: array-valued nondiff_argnums
func.defjvp(func_jvp)


def step(carry, _):
    return (func(*carry), carry[1]), None


def loss(x, mask):
    carry, _ = jax.lax.scan(step, (x, mask), None, length=2)
    return carry[0].sum()


@jax.custom_jvp
def func_fixed(arr, mask):
    return arr * mask


@func_fixed.defjvp
def func_fixed_jvp(primals, tangents):
    arr, mask = primals
    arr_dot, _ = tangents
    return arr * mask, arr_dot * mask


gradients = jax.grad(loss)(jnp.ones(10), jnp.zeros(10, dtype=bool))
