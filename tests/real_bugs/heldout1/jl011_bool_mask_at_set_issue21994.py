# Source: https://github.com/jax-ml/jax/issues/21994
# "jax always complains when you use `.at[...]` with boolean masks inside of `jax.jit`"
import jax
import jax.numpy as jnp


def f(x):
    return x.at[x < 5].set(0)  # expect: JL011


def g(x):
    return jnp.where(x < 5, 0, x)  # trap: JL011


def f2(x):
    return x.at[:4, jnp.mod(x[0], 2) == 0].set(0)  # expect: JL011


def g2(x):
    return x.at[:4].set(jnp.where(jnp.mod(x[0], 2) == 0, 0, x[:4]))  # trap: JL011


x = jnp.arange(10)
print(jax.jit(g)(x))
print(jax.jit(f)(x))
y = jnp.reshape(jnp.arange(100), (10, 10))
print(jax.jit(g2)(y))
print(jax.jit(f2)(y))
