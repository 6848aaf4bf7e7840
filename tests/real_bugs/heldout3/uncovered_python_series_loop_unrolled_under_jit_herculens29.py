# Source: https://github.com/Herculens/herculens/pull/29
# "The JIT compiler needs to unroll the entire for loop in order to compile it. By replacing the standard for loop with jax.lax.fori_loop, the compiler no longer needs to unroll the entire loop"
import jax
import jax.numpy as jnp


def R_omega(z, t, q, nmax):
    f = (1.0 - q) / (1.0 + q)
    ei2phi = z / z.conjugate()
    omega_i = z
    partial_sum = omega_i
    for i in range(1, nmax):  # uncovered: Python loop unrolled under jit (a series of 20 terms, slow compile)
        ratio = (2.0 * i - (2.0 - t)) / (2.0 * i + (2 - t))
        omega_i = -f * ratio * ei2phi * omega_i
        partial_sum += omega_i
    return partial_sum


def R_omega_fixed(z, t, q, nmax):
    f = (1.0 - q) / (1.0 + q)
    ei2phi = z / z.conjugate()

    def body_fun(i, val):
        omega_i, partial_sum = val
        ratio = (2.0 * i - (2.0 - t)) / (2.0 * i + (2 - t))
        omega_i = -f * ratio * ei2phi * omega_i
        return omega_i, partial_sum + omega_i

    _, partial_sum = jax.lax.fori_loop(1, nmax, body_fun, (z, z))  # trap: JL018
    return partial_sum


@jax.jit
def derivatives(x, y, b, t, q):
    z = q * x + y * 1j
    R = jnp.abs(z)
    return 2.0 / (1.0 + q) * (b / R) ** t * R_omega(z, t, q, nmax=20)


@jax.jit
def derivatives_fixed(x, y, b, t, q):
    z = q * x + y * 1j
    R = jnp.abs(z)
    return 2.0 / (1.0 + q) * (b / R) ** t * R_omega_fixed(z, t, q, nmax=20)


xs = jnp.linspace(0.1, 1.0, 64)
derivatives(xs, xs, 1.0, 1.0, 0.8)
derivatives_fixed(xs, xs, 1.0, 1.0, 0.8)
