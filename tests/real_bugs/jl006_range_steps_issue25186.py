# Source: https://github.com/jax-ml/jax/issues/25186
# TracerIntegerConversionError: the step count is computed from traced arguments.
import jax
import jax.numpy as jnp


@jax.jit
def forward_euler(z0, t_start, t_end, dt):
    n_steps = t_end - t_start
    z = z0
    for _ in range(n_steps):  # expect: JL006
        z = z + dt * jnp.cos(z)
    return z


def forward_euler_static(z0, t_start, t_end, dt):
    n_steps = t_end - t_start
    z = z0
    for _ in range(n_steps):  # trap: JL006
        z = z + dt * jnp.cos(z)
    return z


forward_euler_fixed = jax.jit(forward_euler_static, static_argnums=(1, 2))
