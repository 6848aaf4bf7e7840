# Source: https://github.com/pyro-ppl/numpyro/pull/821
# "will fail because although concentration is not a tracer, concentration < 0 will be a tracer if concentration is a ... jax array"
import jax
import jax.numpy as jnp
import numpy as np
from numpyro.util import not_jax_tracer

y = jnp.arange(10.0)


def f(x):
    if not_jax_tracer(y):
        # On the installed jax np.all hands the tracer to its own .all(), so the `if`
        # raises (TracerBoolConversionError), not the NumPy conversion.
        if np.all(y <= 0):  # expect: JL006
            print("nooo")
    return x + y


def f_fixed(x):
    if not_jax_tracer(y):
        if np.all(np.less(y, 0)):  # trap: JL007
            print("nooo")
    return x + y


jax.jit(f)(1)
jax.jit(f_fixed)(1)
