# Source: https://github.com/HajimeKawahara/exojax/issues/122
# "Because the direct index assignment of the array is not allowed in JAX. i.e. you cannot do such as ... a[indx]=val #error"
import jax.numpy as jnp


def assign():
    a = jnp.zeros(5)
    indx = jnp.array([1, 2])
    val = jnp.array([10.0, 3.0])
    a[indx] = val  # expect: JL001
    return a


def assign_fixed():
    a = jnp.zeros(5)
    indx = jnp.array([1, 2])
    val = jnp.array([10.0, 3.0])
    a = a.at[indx].set(val)  # trap: JL001
    return a
