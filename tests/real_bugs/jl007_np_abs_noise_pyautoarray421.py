# Source: https://github.com/PyAutoLabs/PyAutoArray/pull/421
# The jitted simulator calls a noise-map helper that hard-codes np.abs.
import jax
import jax.numpy as jnp
import numpy as np


def noise_map_via_data_eps_and_exposure_time_map_from(data_eps, exposure_time_map):
    return np.abs(data_eps * exposure_time_map) ** 0.5 / exposure_time_map  # expect: JL007


@jax.jit
def simulate(image, exposure_time_map, background):
    data_eps = image + background
    noise = noise_map_via_data_eps_and_exposure_time_map_from(data_eps, exposure_time_map)
    return data_eps, noise


def noise_map_xp(data_eps, exposure_time_map, xp=jnp):
    # The fix threads the array namespace through.
    return xp.abs(data_eps * exposure_time_map) ** 0.5 / exposure_time_map  # trap: JL007


@jax.jit
def simulate_fixed(image, exposure_time_map, background):
    data_eps = image + background
    return data_eps, noise_map_xp(data_eps, exposure_time_map)
