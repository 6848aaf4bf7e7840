# Source: https://github.com/jax-ml/jax/issues/5208
# "throws jax.core.ConcretizationTypeError ... when trying to call grid2. In grid1, the number of points for jnp.linspace is specified explicitly, while in grid2 it is computed from a few other local constants."
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def grid1():
    t0, tf, num_steps = 0.0, 1.0, 10
    return jnp.linspace(t0, tf, num_steps + 1)  # trap: JL011


@jax.jit
def grid2():
    t0, tf, dt = 0.0, 1.0, 1e-1
    num_steps = jnp.maximum(jnp.abs((tf - t0) / dt), 1)
    return jnp.linspace(t0, tf, num_steps + 1)  # expect: JL011


@jax.jit
def grid2_fixed():
    t0, tf, dt = 0.0, 1.0, 1e-1
    num_steps = int(np.maximum(np.abs((tf - t0) / dt), 1))
    return jnp.linspace(t0, tf, num_steps + 1)  # trap: JL011
