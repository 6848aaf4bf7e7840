# Source: https://github.com/jax-ml/jax/issues/3740
# "Maybe I miss something obvious, but what should I do if I need to use inequation inside the function for `jax.jit`?"
import math

import jax.numpy as jnp
from jax import jit


def tt_round_model(core, delta):
    s = jnp.linalg.svd(core, compute_uv=False)
    rank = 0
    for x in s:
        if x < delta:  # expect: JL006
            continue
        rank += 1
    return rank


def tt_round_model_fixed(core, delta):
    s = jnp.linalg.svd(core, compute_uv=False)
    return jnp.sum(jnp.where(s < delta, 0, 1))  # trap: JL006


eps = 1e-3
core = jnp.eye(4)
fast_tt_round = jit(tt_round_model, static_argnums=(1))
ttr = fast_tt_round(core, eps / math.sqrt(3))
fast_tt_round_fixed = jit(tt_round_model_fixed, static_argnums=(1))
ttr = fast_tt_round_fixed(core, eps / math.sqrt(3))
