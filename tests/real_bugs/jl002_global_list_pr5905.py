# Source: https://github.com/jax-ml/jax/pull/5905
# JAX-101: "there is nothing in the jaxpr corresponding to global_list.append(x)".
import jax
import jax.numpy as jnp

global_list = []


def log2(x):
    global_list.append(x)  # expect: JL002
    ln_x = jnp.log(x)
    ln_2 = jnp.log(2.0)
    return ln_x / ln_2


log2_jit = jax.jit(log2)


def log2_pure(x):
    seen = []
    seen.append(x)  # trap: JL002
    return jnp.log(x) / jnp.log(2.0), seen[0]


log2_pure_jit = jax.jit(log2_pure)
