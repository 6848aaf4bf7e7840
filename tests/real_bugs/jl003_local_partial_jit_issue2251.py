# Source: https://github.com/jax-ml/jax/issues/2251
# A jitted helper defined inside the timed function is a new function each call: 272 ms vs 141 us.
from functools import partial

import jax.numpy as np
from jax import jit, lax


def infect(state, step):
    return state * 1.01 + step, state


def pandemic_runs(x0, steps, t_max):
    outs = []
    for step in steps:

        @partial(jit, static_argnums=(1, 2))  # expect: JL003
        def _pandemic_scan(state, step, t_max):
            return lax.scan(infect, state, np.full(t_max, step))

        outs.append(_pandemic_scan(x0, step, t_max))
    return outs


@partial(jit, static_argnums=(1, 2))
def _pandemic_scan_top(state, step, t_max):
    return lax.scan(infect, state, np.full(t_max, step))


def pandemic_runs_fixed(x0, steps, t_max):
    return [_pandemic_scan_top(x0, step, t_max) for step in steps]  # trap: JL003
