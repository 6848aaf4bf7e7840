# Source: https://github.com/jax-ml/jax/issues/7545
# jakevdp's fix: convert the parameter leaves with jnp.asarray before indexing with tracers.
import jax
import jax.numpy as jnp


def visibilities(params, idx):
    radec = jnp.asarray(params["radec"])  # trap: JL007
    stokes = jnp.asarray(params["stokes"])
    return jnp.sum(radec[idx] * stokes[idx])


d_visibilities = jax.grad(visibilities)
