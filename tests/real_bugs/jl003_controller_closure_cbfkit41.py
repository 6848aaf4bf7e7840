# Source: https://github.com/bardhh/cbfkit/pull/41
# "Regenerating controller closures inside a control loop": every step compiles again.
import jax
import jax.numpy as jnp


def controller(x, gains):
    return -gains * x


def control_loop(x, gains, n_steps, dt):
    for _ in range(n_steps):
        u = jax.jit(lambda state: controller(state, gains))(x)  # expect: JL003
        x = x + dt * (jnp.sin(x) + u)
    return x


def control_loop_fixed(x, gains, n_steps, dt):
    ctrl = jax.jit(controller)
    for _ in range(n_steps):
        u = ctrl(x, gains)  # trap: JL003
        x = x + dt * (jnp.sin(x) + u)
    return x
