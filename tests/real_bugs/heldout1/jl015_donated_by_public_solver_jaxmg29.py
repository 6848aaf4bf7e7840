# Source: https://github.com/flatironinstitute/jaxmg/pull/29
# "outside jax.jit the caller's matrix is deleted by the call: x2 = potrs(A, b2, T_A=T_A)  # RuntimeError: Array has been deleted"
import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl


def _potrs_pipeline(A, b, T_A):
    c, lower = jsl.cho_factor(A)
    return jsl.cho_solve((c, lower), b)


_potrs_donating = jax.jit(_potrs_pipeline, static_argnums=2, donate_argnums=0)
_potrs_keeping = jax.jit(_potrs_pipeline, static_argnums=2)


def potrs(A, b, T_A=256, donate=True):
    if donate:
        return _potrs_donating(A, b, T_A)
    return _potrs_keeping(A, b, T_A)


A = jnp.eye(512) * 2.0
b = jnp.ones(512)
b2 = jnp.zeros(512)
T_A = 256

x1 = potrs(A, b, T_A=T_A)
x2 = potrs(A, b2, T_A=T_A)  # expect: JL015

K = jnp.eye(512) * 2.0
y1 = potrs(K, b, T_A=T_A, donate=False)
y2 = potrs(K, b2, T_A=T_A, donate=False)  # trap: JL015
