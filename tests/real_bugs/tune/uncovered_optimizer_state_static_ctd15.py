# Source: https://github.com/google-research/computation-thru-dynamics/issues/15
# "ValueError: Non-hashable static arguments are not supported. An error occurred while trying to hash an object of type <class 'fixed_point_finder.optimizers.OptimizerState'>"
from typing import NamedTuple

import jax
import jax.numpy as jnp


class OptimizerState(NamedTuple):
    packed_state: list
    tree_def: object


def optimize_fp_core(batch_idx_start, num_fps, update_fun, opt_state):
    return update_fun(batch_idx_start, opt_state), num_fps


optimize_fp_core_jit = jax.jit(optimize_fp_core, static_argnums=(1, 2, 3))
optimize_fp_core_jit_fixed = jax.jit(optimize_fp_core, static_argnums=(1, 2))


def run(update_fun):
    opt_state = OptimizerState([jnp.zeros(3)], None)
    opt_state = optimize_fp_core_jit(0, 10, update_fun, opt_state)  # expect: JL014
    return optimize_fp_core_jit_fixed(0, 10, update_fun, opt_state)
