# Source: https://github.com/anindex/gtmp/issues/1
# "the reported planner timing (e.g., in gtmp_mbm.py) may be inaccurate due to JAX's lazy evaluation"
import time

import jax
import jax.numpy as jnp


@jax.jit
def gtmp(keys, state):
    return jnp.cumsum(state * keys.sum())


def plan(keys, state):
    start = time.time()
    paths = gtmp(keys, state)
    elapsed = time.time() - start  # expect: JL019
    return paths, elapsed


def plan_fixed(keys, state):
    start = time.time()
    paths = gtmp(keys, state)
    jax.block_until_ready(paths)
    elapsed = time.time() - start
    return paths, elapsed
