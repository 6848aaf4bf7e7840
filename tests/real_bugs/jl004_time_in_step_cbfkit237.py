# Source: https://github.com/bardhh/cbfkit/pull/237
# Execution timing belongs around the jitted call; a clock read inside is frozen at trace time.
import time

import jax
import jax.numpy as jnp


@jax.jit
def simulate_step(x, u, dt):
    start = time.perf_counter()  # expect: JL004
    x = x + dt * (jnp.sin(x) + u)
    return x, start


def simulate(x, u, dt, n):
    step = jax.jit(lambda x: x + dt * (jnp.sin(x) + u))
    t0 = time.perf_counter()  # trap: JL004
    for _ in range(n):
        x = step(x)
    x.block_until_ready()
    return x, time.perf_counter() - t0
