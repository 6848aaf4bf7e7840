# Source: https://github.com/jax-ml/jax/issues/5017
# "If I jit sim_function, I get an error containing: ConcretizationTypeError: Abstract tracer value encountered where concrete value is expected."
import jax
import jax.numpy as jnp
from jax.lax import scan


def jaxfixedsolve(rhs, t_span, y0, max_dt):
    delta_t = t_span[1] - t_span[0]
    steps = jnp.array(delta_t // max_dt).astype(int)
    h = delta_t / steps

    def scan_func(carry, step):
        eval_time = t_span[0] + (h * step)
        return (carry + rhs(eval_time, carry) * h, None)

    return scan(scan_func, y0, jnp.arange(steps))[0]  # expect: JL011


def jaxfixedsolve_fixed(rhs, t_span, y0, max_dt):
    delta_t = t_span[1] - t_span[0]
    steps = int(delta_t // max_dt)
    h = delta_t / steps

    def scan_func(carry, step):
        eval_time = t_span[0] + (h * step)
        return (carry + rhs(eval_time, carry) * h, None)

    return scan(scan_func, y0, jnp.arange(steps))[0]  # trap: JL011


@jax.jit
def sim_function(coeff):
    return jaxfixedsolve(lambda t, y: coeff * y, t_span=[0, 0.5], y0=jnp.array(1.0), max_dt=0.1)


@jax.jit
def sim_function_fixed(coeff):
    return jaxfixedsolve_fixed(lambda t, y: coeff * y, t_span=[0, 0.5], y0=jnp.array(1.0), max_dt=0.1)
