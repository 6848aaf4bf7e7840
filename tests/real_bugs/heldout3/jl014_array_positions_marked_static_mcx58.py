# Source: https://github.com/rlouf/mcx/issues/58
# "Jax 0.2.6 stops supporting non-hashable static arguments for jitted functions. ... This means that arrays cannot be set as static arguments in jitted functions."
from functools import partial

import jax
from jax import numpy as np


def leapfrog(position, momentum, step_size, num_steps):
    momentum = momentum - 0.5 * step_size * position
    position = position + step_size * momentum
    return position, momentum


def longest_batch_before_turn(integrator_step):
    @partial(jax.jit, static_argnums=(0, 1, 2, 3))
    def run(initial_position, initial_momentum, step_size, num_integration_steps):
        def cond(state):
            iteration, position, momentum = state
            return iteration < num_integration_steps

        def update(state):
            iteration, position, momentum = state
            iteration += 1
            position, momentum = integrator_step(position, momentum, step_size, 1)
            return (iteration, position, momentum)

        result = jax.lax.while_loop(cond, update, (0, initial_position, initial_momentum))
        return result[0]

    return run


# The fix (mcx): only the step size and the step count are static.
def longest_batch_before_turn_fixed(integrator_step):
    @partial(jax.jit, static_argnums=(2, 3))
    def run(initial_position, initial_momentum, step_size, num_integration_steps):
        def cond(state):
            iteration, position, momentum = state
            return iteration < num_integration_steps

        def update(state):
            iteration, position, momentum = state
            iteration += 1
            position, momentum = integrator_step(position, momentum, step_size, 1)
            return (iteration, position, momentum)

        result = jax.lax.while_loop(cond, update, (0, initial_position, initial_momentum))
        return result[0]

    return run


position = np.ones(3)
momentum = np.zeros(3)
run = longest_batch_before_turn(leapfrog)
print(run(position, momentum, 0.1, 10))  # expect: JL014, JL014
run_fixed = longest_batch_before_turn_fixed(leapfrog)
print(run_fixed(position, momentum, 0.1, 10))  # trap: JL014
