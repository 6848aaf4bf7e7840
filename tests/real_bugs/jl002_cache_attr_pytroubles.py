# Source: https://pytroubles.com/ru/ampposts/id913-jax-i-jit-tracerarrayconversionerror-i-kak-ispravit
# A jitted method writes an intermediate to self; reading it later finds a leaked tracer.
from functools import partial

import jax
import jax.numpy as jnp


class Box:
    def __init__(self):
        self.cache = None

    @partial(jax.jit, static_argnums=0)
    def apply_jit(self, arr):
        out = arr * 2
        self.cache = out  # expect: JL002
        return out

    @partial(jax.jit, static_argnums=0)
    def apply_jit_fixed(self, arr):
        out = arr * 2
        return out, out  # trap: JL002


def host_bootstrap():
    return jnp.array([1.0, 2.0, 3.0])
