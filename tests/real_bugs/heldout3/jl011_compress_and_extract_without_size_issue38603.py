# Source: https://github.com/jax-ml/jax/issues/38603
# "`jnp.compress` and `jnp.extract` crash with `TracerBoolConversionError` when called inside `jax.jit` without a `size` argument."
import jax
import jax.numpy as jnp


def f(x):
    return jnp.compress(x.ravel() > 0, x.ravel())  # expect: JL011


def g(x):
    return jnp.extract(x > 0, x)  # expect: JL011


# The fix: a data-dependent output needs a static size to be traced.
def f_fixed(x):
    return jnp.compress(x.ravel() > 0, x.ravel(), size=x.size)  # trap: JL011


def g_fixed(x):
    return jnp.extract(x > 0, x, size=x.size)  # trap: JL011


t = jnp.ones((4, 4), dtype=jnp.float32)
print(f(t).shape)
print(jax.jit(f)(t))
print(jax.jit(g)(t))
print(jax.jit(f_fixed)(t))
print(jax.jit(g_fixed)(t))
