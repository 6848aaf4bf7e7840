# Source: https://github.com/jfcrenshaw/pzflow/issues/62
# Moving from jax.ops.index_update to .at[]: one converted line lost its assignment.
import jax.numpy as jnp


def fill_missing(conditions, col, value):
    conditions = jnp.array(conditions)
    conditions.at[:, col].set(value)  # expect: JL008
    return conditions


def fill_missing_fixed(conditions, col, value):
    conditions = jnp.array(conditions)
    conditions = conditions.at[:, col].set(value)  # trap: JL008
    return conditions
