# Source: https://devhide.com/appending-to-list-alternative-workflow-for-jax-77354582
# Recording the trajectory of an integrator: appending inside a scanned step leaks tracers.
import jax
import jax.numpy as jnp

trajectory = []


def integrate(x0, t_arr, dt):
    def step(x, t):
        trajectory.append(x)  # expect: JL002
        x = x + (-(x**2)) * dt
        return x, x

    return jax.lax.scan(step, x0, t_arr)


def integrate_fixed(x0, t_arr, dt):
    def step(x, t):
        x_next = x + (-(x**2)) * dt
        return x_next, x  # trap: JL002

    _, xs = jax.lax.scan(step, x0, t_arr)
    return jnp.asarray(xs)
