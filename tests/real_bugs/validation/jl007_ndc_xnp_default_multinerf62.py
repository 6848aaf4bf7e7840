# Source: https://github.com/google-research/multinerf/pull/62
# "the argument `xnp` is not passed to the function `convert_to_ndc`, which causes the error like: TracerArrayConversionError"
import jax
import jax.numpy as jnp
import numpy as np


def convert_to_ndc(origins, directions, focal, xnp=np):
    t = -(1.0 + origins[..., 2]) / directions[..., 2]
    origins = origins + t[..., None] * directions
    return xnp.stack([focal * origins[..., 0], focal * origins[..., 1]], axis=-1)  # expect: JL007


@jax.jit
def cast_rays(origins, directions):
    return convert_to_ndc(origins, directions, 1.5)


@jax.jit
def cast_rays_fixed(origins, directions):
    return convert_to_ndc(origins, directions, 1.5, xnp=jnp)  # trap: JL007
