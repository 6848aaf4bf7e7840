# Source: https://github.com/climate-analytics-lab/jax-gcm/pull/747
# "returned a trace id from the jitted `_run_from_state` and read it with `int()`, which is a concrete value only outside any enclosing transformation, so `jax.jit` around `run` raised `ConcretizationTypeError`"
import jax
import jax.numpy as jnp


@jax.jit
def _run_from_state(state, trvdi):
    new_state = state + trvdi * 0.1
    trace_id = jnp.sum(new_state > 0)
    return new_state, trace_id


def run(state, trvdi):
    new_state, trace_id = _run_from_state(state, trvdi)
    return new_state, int(trace_id)  # expect: JL006


def run_fixed(state, trvdi):
    new_state, trace_id = _run_from_state(state, trvdi)
    return new_state, trace_id  # trap: JL006


@jax.jit
def sweep(state, trvdi):
    return run(state, trvdi)


@jax.jit
def sweep_fixed(state, trvdi):
    return run_fixed(state, trvdi)


sweep(jnp.ones(4), 2.0)
sweep_fixed(jnp.ones(4), 2.0)
