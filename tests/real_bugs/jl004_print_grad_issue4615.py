# Source: https://github.com/jax-ml/jax/issues/4615
# Print-debugging a function that is only differentiated: print works (it shows a JVP tracer
# wrapper around a concrete value), and it runs on every call.
import jax
import jax.numpy as jnp


def total_energy(positions):
    ret = jnp.sum(positions**2) - 1.0
    print("JUtotal: ", ret)  # trap: JL004
    return ret


forces = jax.grad(total_energy)


@jax.jit
def total_energy_jit(positions):
    ret = jnp.sum(positions**2) - 1.0
    print("JUtotal: ", ret)  # expect: JL004
    return ret
