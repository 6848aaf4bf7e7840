# Source: https://github.com/danijar/dreamerv3/issues/5
# Concrete-value methods (.item(), .tolist()) called on traced arrays inside a jitted init.
import jax
import jax.numpy as jnp


@jax.jit
def init(params):
    scale = params["scale"].item()  # expect: JL006
    sizes = params["sizes"].tolist()  # expect: JL006
    return scale, sizes


@jax.jit
def init_fixed(params):
    return params["scale"], params["sizes"]  # trap: JL006


def report(params):
    # Outside jit, .item() on a concrete array is what it is for.
    scale, _ = init_fixed(params)
    return jnp.asarray(scale).item()  # trap: JL006
