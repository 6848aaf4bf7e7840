# Source: https://github.com/exoplanet-dev/jaxoplanet/issues/234
# Building a star object inside jit: its constructor validates a traced radius with `if`.
import jax
import jax.numpy as jnp


def make_star(radius, mass):
    if radius <= 0:  # expect: JL006
        raise ValueError("radius must be positive")
    return {"radius": radius, "mass": mass}


@jax.jit
def flux(radius, mass, t):
    star = make_star(radius, mass)
    return jnp.exp(-t / star["radius"]) * star["mass"]
