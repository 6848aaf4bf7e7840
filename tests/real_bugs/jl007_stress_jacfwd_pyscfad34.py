# Source: https://github.com/fishjojo/pyscfad/issues/34
# The stress example differentiates the energy w.r.t. a 3x3 strain; NumPy sees a JVP tracer.
import jax
import jax.numpy as jnp
import numpy as np


def strained_energy(strain, lattice):
    cell = lattice @ (np.eye(3) + strain)
    volume = np.linalg.det(cell)  # expect: JL007
    return jnp.sum(cell**2) / volume


stress = jax.jacfwd(strained_energy)


def strained_energy_fixed(strain, lattice):
    cell = lattice @ (np.eye(3) + strain)
    volume = jnp.linalg.det(cell)  # trap: JL007
    return jnp.sum(cell**2) / volume


stress_fixed = jax.jacfwd(strained_energy_fixed)
