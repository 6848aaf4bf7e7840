# Source: https://github.com/OpenSourceEconomics/dcegm/pull/76
# Saving each period's policy to disk from inside the jitted backward induction: a plain write
# happens once, at trace time; the PR routes it through io_callback instead.
import pickle

import jax
import jax.numpy as jnp
from jax.experimental import io_callback


@jax.jit
def backward_induction_step(value, policy, period):
    with open("policy.pkl", "wb") as f:  # expect: JL004
        pickle.dump(policy, f)  # expect: JL004
    return value * 0.95 + policy, policy


def _save(policy, period):
    with open(f"policy_{int(period)}.pkl", "wb") as f:  # trap: JL004
        pickle.dump(policy, f)


@jax.jit
def backward_induction_step_fixed(value, policy, period):
    io_callback(_save, None, policy, period)
    return value * 0.95 + policy, jnp.asarray(policy)
