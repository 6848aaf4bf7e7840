# Source: https://github.com/pnkraemer/probdiffeq/pull/813
# "If output_scale is a traced array, `output_scale or ...` doesn't work. This PR fixes this."
import jax
import jax.numpy as jnp


def init_solution(t, u, output_scale=None):
    output_scale = output_scale or jnp.ones_like(u)  # expect: JL006
    return t, u, output_scale


def init_solution_fixed(t, u, output_scale=None):
    if output_scale is None:  # trap: JL006
        output_scale = jnp.ones_like(u)
    return t, u, output_scale


@jax.jit
def solve(t, u, output_scale):
    return init_solution(t, u, output_scale=output_scale)


@jax.jit
def solve_fixed(t, u, output_scale):
    return init_solution_fixed(t, u, output_scale=output_scale)


solve(0.0, jnp.ones(2), jnp.asarray(2.0))
solve_fixed(0.0, jnp.ones(2), jnp.asarray(2.0))
