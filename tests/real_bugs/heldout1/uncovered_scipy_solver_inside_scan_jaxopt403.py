# Source: https://github.com/google/jaxopt/issues/403
# "TracerArrayConversionError: The numpy.ndarray conversion method __array__() was called" (ScipyBoundedMinimize inside jax.lax.scan)
import jax
import jax.numpy as jnp
from jaxopt import LBFGSB, ScipyBoundedMinimize


def state_action_value(x, data):
    y, v = data
    return (x - y) ** 2 + v * x


solver = ScipyBoundedMinimize(fun=state_action_value, method="l-bfgs-b")
solver_fixed = LBFGSB(fun=state_action_value)


def T_jax(v, grid):
    def update_v(carry, y):
        b = (jnp.array(1e-5), y)
        result = solver.run(y, bounds=b, data=(y, v)).params  # uncovered: host solver in scan
        return carry + 1, result

    _, v_values = jax.lax.scan(update_v, 0, grid)
    return v_values


def T_jax_fixed(v, grid):
    def update_v(carry, y):
        b = (jnp.array(1e-5), y)
        result = solver_fixed.run(y, bounds=b, data=(y, v)).params
        return carry + 1, result

    _, v_values = jax.lax.scan(update_v, 0, grid)
    return v_values


grid = jnp.linspace(0.1, 1.0, 5)
T_jax(0.5, grid)
T_jax_fixed(0.5, grid)
