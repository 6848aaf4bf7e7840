# Source: https://github.com/probml/probml-notebooks/pull/70
# Boolean-mask updates are not jit compatible; the fix uses jnp.where (assigned).
import jax
import jax.numpy as jnp


def relu_mask(x):
    x.at[x < 0].set(0)  # expect: JL008
    return x


@jax.jit
def relu_where(x):
    x = jnp.where(x < 0, 0, x)  # trap: JL008
    return x
