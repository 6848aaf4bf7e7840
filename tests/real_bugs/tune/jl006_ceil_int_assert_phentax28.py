# Source: https://github.com/asantini29/phentax/pull/28
# "int(jnp.ceil(T / delta_t)) — jnp.ceil returns an abstract tracer inside JIT, and int() cannot concretize it."
import math

import jax
import jax.numpy as jnp


def initial_processing(T, delta_t, chi1, chi2):
    n = int(jnp.ceil(T / delta_t))  # expect: JL006
    assert jnp.all(jnp.abs(jnp.array([chi1, chi2])) <= 1.0)  # expect: JL006
    return n


def initial_processing_fixed(T, delta_t, chi1, chi2):
    n = math.ceil(T / delta_t)  # trap: JL006
    if not isinstance(chi1, jax.core.Tracer):
        assert jnp.all(jnp.abs(jnp.array([chi1, chi2])) <= 1.0)
    return n


@jax.jit
def waveform(chi1, chi2):
    return jnp.zeros(initial_processing(4.0, 0.5, chi1, chi2)) + chi1


@jax.jit
def waveform_fixed(chi1, chi2):
    return jnp.zeros(initial_processing_fixed(4.0, 0.5, chi1, chi2)) + chi1
