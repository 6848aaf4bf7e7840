# Source: https://github.com/Wanggcong/SparseNeRF/issues/16
# Printing intermediate values while debugging a jitted render step shows tracers.
import jax
import jax.numpy as jnp


@jax.jit
def render_step(params, rays):
    depth = jnp.einsum("rd,d->r", rays, params["w"])
    print("depth", depth)  # expect: JL004
    return depth


@jax.jit
def render_step_shapes(params, rays):
    # Static facts print fine at trace time.
    print("compiling render_step for", rays.shape)  # trap: JL004
    return jnp.einsum("rd,d->r", rays, params["w"])
