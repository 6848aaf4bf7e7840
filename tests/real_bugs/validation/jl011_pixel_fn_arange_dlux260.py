# Source: https://github.com/LouisDesdoigts/dLux/issues/260
# "ConcretizationTypeError: Abstract tracer value encountered where concrete value is expected: traced array with shape int64[]. It arose in the jnp.arange argument 'stop'"
import jax
import jax.numpy as np


def pixel_fn(n, offset, scale):
    pix = np.arange(n) - (n - 1) / 2.0  # expect: JL011
    pix *= scale
    pix -= offset
    return pix


def pixel_fn_fixed(n: int, offset, scale):
    start = -(n - 1) / 2.0 * scale - offset
    end = (n - 1) / 2.0 * scale - offset
    return np.linspace(start, end, n)  # trap: JL011


@jax.jit
def detector(use_big, offset, scale):
    n = np.where(use_big, 64, 32)
    return jax.lax.cond(use_big, lambda: pixel_fn(n, offset, scale).sum(), lambda: 0.0)


@jax.jit
def detector_fixed(use_big, offset, scale):
    return jax.lax.cond(use_big, lambda: pixel_fn_fixed(64, offset, scale).sum(), lambda: 0.0)
