# Source: https://github.com/BYUCamachoLab/simphony/issues/88
# Classical simulation: source amplitudes are written into a jnp array in place.
import jax.numpy as jnp


def source_vector(n_ports, port_index, wavelengths, power):
    src = jnp.zeros((len(wavelengths), n_ports), dtype=jnp.complex64)
    src[:, port_index] = jnp.sqrt(power)  # expect: JL001
    return src


def source_vector_fixed(n_ports, port_index, wavelengths, power):
    src = jnp.zeros((len(wavelengths), n_ports), dtype=jnp.complex64)
    return src.at[:, port_index].set(jnp.sqrt(power))  # trap: JL001
