# Source: https://github.com/vincentarelbundock/marginaleffects/issues/1587
# Standard errors from a JAX jacobian: zero entries are patched by boolean-mask assignment.
import jax
import jax.numpy as jnp


def delta_method_se(fn, params, vcov):
    jac = jax.jacobian(fn)(params)
    se = jnp.sqrt(jnp.einsum("ij,jk,ik->i", jac, vcov, jac))
    se[se == 0] = jnp.nan  # expect: JL001
    return se


def delta_method_se_fixed(fn, params, vcov):
    jac = jax.jacobian(fn)(params)
    se = jnp.sqrt(jnp.einsum("ij,jk,ik->i", jac, vcov, jac))
    return jnp.where(se == 0, jnp.nan, se)  # trap: JL001
