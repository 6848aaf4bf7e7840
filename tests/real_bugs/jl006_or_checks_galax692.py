# Source: https://github.com/GalacticDynamics/galax/pull/692
# A potential built inside a jitted function checks its traced parameters with Python `or`.
import jax
import jax.numpy as jnp


def make_potential(mass, scale_radius):
    if mass < 0 or scale_radius <= 0:  # expect: JL006
        raise ValueError("mass and scale radius must be positive")
    return mass, scale_radius


@jax.jit
def potential_energy(mass, scale_radius, r):
    m, a = make_potential(mass, scale_radius)
    return -m / (r + a)


def make_potential_fixed(mass, scale_radius):
    bad = jnp.logical_or(mass < 0, scale_radius <= 0)  # trap: JL006
    return jnp.where(bad, jnp.nan, mass), scale_radius


@jax.jit
def potential_energy_fixed(mass, scale_radius, r):
    m, a = make_potential_fixed(mass, scale_radius)
    return -m / (r + a)
