# Source: https://github.com/dfm/tinygp/issues/85
# A quasiseparable kernel shifts its inputs with np.append inside a tree_map, under jit.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def to_general_qsm(x2):
    return jax.tree_util.tree_map(lambda x: np.append(x[0], x[:-1]), x2)  # expect: JL007


@jax.jit
def to_general_qsm_fixed(x2):
    return jax.tree_util.tree_map(lambda x: jnp.append(x[0], x[:-1]), x2)  # trap: JL007
