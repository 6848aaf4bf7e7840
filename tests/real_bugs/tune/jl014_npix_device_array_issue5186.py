# Source: https://github.com/jax-ml/jax/issues/5186
# "but if you have npix is DeviceArray it breaks: ValueError: Non-hashable static arguments are not supported"
# (and earlier in the thread: "It arose in jax.numpy.arange argument `stop`.")
from functools import partial

import jax
import jax.numpy as np


@partial(jax.jit, static_argnums=(1, 2))
def minimal_dft(plane, nlamD, npix):
    return np.ones((npix, npix), dtype=np.complex64) * plane.sum() / nlamD


plane = np.ones((4, 5))
minimal_dft(plane, 1, 1)  # trap: JL014
npix = np.array(1)
minimal_dft(plane, 1, npix)  # expect: JL014


def test_arange(n):
    return np.arange(0, n, 1)  # expect: JL011


test = jax.jit(test_arange)
test(5)
test_fixed = jax.jit(test_arange, static_argnums=0)
test_fixed(5)
