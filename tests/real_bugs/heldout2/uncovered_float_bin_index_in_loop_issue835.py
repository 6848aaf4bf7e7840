# Source: https://github.com/jax-ml/jax/issues/835
# "IndexError: Indexing mode not yet supported. Open a feature request!"
import jax.numpy as np
from jax import lax, random


def wang_landau(densities, energies, min_energy, bin_width, unifs):
    def wl_step(j, loop_carry):
        densities, curr_nrg = loop_carry
        new_nrg = energies[j]
        curr_bin = (curr_nrg - min_energy) // bin_width
        new_bin = (new_nrg - min_energy) // bin_width
        dE = densities[new_bin] - densities[curr_bin]  # uncovered: float array used as an index
        accept = (dE < 0) | (unifs[j] < np.exp(-dE))
        curr_nrg = np.where(accept, new_nrg, curr_nrg)
        return densities, curr_nrg

    return lax.fori_loop(0, energies.shape[0], wl_step, (densities, energies[0]))


def wang_landau_fixed(densities, energies, min_energy, bin_width, unifs):
    def wl_step(j, loop_carry):
        densities, curr_nrg = loop_carry
        new_nrg = energies[j]
        curr_bin = ((curr_nrg - min_energy) // bin_width).astype(np.int32)
        new_bin = ((new_nrg - min_energy) // bin_width).astype(np.int32)
        dE = densities[new_bin] - densities[curr_bin]
        accept = (dE < 0) | (unifs[j] < np.exp(-dE))
        curr_nrg = np.where(accept, new_nrg, curr_nrg)
        return densities, curr_nrg

    return lax.fori_loop(0, energies.shape[0], wl_step, (densities, energies[0]))


key_e, key_u = random.split(random.PRNGKey(0))
energies = random.uniform(key_e, (100,)) * 10.0
unifs = random.uniform(key_u, (100,))
wang_landau(np.zeros(20), energies, 0.0, 0.5, unifs)
wang_landau_fixed(np.zeros(20), energies, 0.0, 0.5, unifs)
