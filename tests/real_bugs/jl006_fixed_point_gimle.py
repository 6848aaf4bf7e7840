# Source: https://gimle-asgard.pages.dev/advanced/jax-jit
# Fixed-point iteration that converges by checking `if diff < tolerance: break`.
import jax
import jax.numpy as jnp


@jax.jit
def solve_fixed_point(x0, tolerance):
    x = x0
    for _ in range(100):
        x_next = jnp.cos(x)
        diff = jnp.abs(x_next - x).max()
        x = x_next
        if diff < tolerance:  # expect: JL006
            break
    return x


@jax.jit
def solve_fixed_point_fixed(x0, tolerance):
    def not_done(state):
        x, diff = state
        return diff >= tolerance  # trap: JL006

    def step(state):
        x, _ = state
        x_next = jnp.cos(x)
        return x_next, jnp.abs(x_next - x).max()

    x, _ = jax.lax.while_loop(not_done, step, (x0, jnp.inf))
    return x
