# Source: https://github.com/waymo-research/waymax/issues/14
# "for _ in range(state.remaining_timesteps): jax.errors.TracerIntegerConversionError: The __index__() method was called on traced array with shape int32[]"
import dataclasses

import jax
import jax.numpy as jnp


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class SimulatorState:
    positions: jax.Array
    remaining_timesteps: jax.Array


def update_state_by_log(state, num_steps):
    return dataclasses.replace(
        state,
        positions=state.positions + num_steps,
        remaining_timesteps=state.remaining_timesteps - num_steps,
    )


@jax.jit
def benchmark(state):
    for _ in range(state.remaining_timesteps):  # expect: JL006
        state = update_state_by_log(state, num_steps=1)
    return state


@jax.jit
def benchmark_fixed(state):
    def body(_, s):
        return update_state_by_log(s, num_steps=1)

    return jax.lax.fori_loop(0, state.remaining_timesteps, body, state)  # trap: JL006


scenario = SimulatorState(jnp.zeros(3), jnp.array(80))
benchmark(scenario)
benchmark_fixed(scenario)
