# Source: https://openillumi.com/en/en-jax-jit-recompile-dynamic-shape-fix
# "Developers aim to prevent JIT recompilation when only the number of elements along a specific axis of an input array varies, while the core computation logic remains constant."
import jax
import jax.numpy as jnp


@jax.jit
def f(x):
    print("recompiling")
    return jnp.sum(x**2)


for n in range(1, 6):
    f(jnp.ones(n))  # uncovered: recompile on every new input shape


MAX_LEN = 8


@jax.jit
def f_fixed(x_padded, mask):
    return jnp.sum(jnp.where(mask, x_padded**2, 0.0))


for n in range(1, 6):
    x = jnp.ones(n)
    f_fixed(jnp.pad(x, (0, MAX_LEN - n)), jnp.arange(MAX_LEN) < n)
