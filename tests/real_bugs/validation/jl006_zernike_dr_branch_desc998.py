# Source: https://github.com/PlasmaControl/DESC/pull/998
# "J3 = jax.jit(jax.jacrev(zernike_radial))(r[:, np.newaxis], basis.modes[:,0], basis.modes[:,1], 0) ... TracerBoolConversionError"
import jax
import jax.numpy as jnp


def zernike_radial(r, l, m, dr=0):
    if dr == 0:  # expect: JL006
        return r ** jnp.abs(m) * (l + 1)
    return jnp.abs(m) * r ** (jnp.abs(m) - 1) * (l + 1)


def zernike_radial_fixed(r, l, m, dr=0):
    if dr == 0:  # trap: JL006
        return r ** jnp.abs(m) * (l + 1)
    return jnp.abs(m) * r ** (jnp.abs(m) - 1) * (l + 1)


r = jnp.linspace(0, 1, 100)[:, None]
modes = jnp.ones((10, 3))
J3 = jax.jit(jax.jacrev(zernike_radial))(r, modes[:, 0], modes[:, 1], 0)
J3_fixed = jax.jit(jax.jacrev(zernike_radial_fixed), static_argnums=3)(r, modes[:, 0], modes[:, 1], 0)
