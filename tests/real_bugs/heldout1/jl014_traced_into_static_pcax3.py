# Source: https://github.com/alonfnt/pcax/issues/3
# "When I compile the function with jax.jit, I get an error `ValueError: Non-hashable static arguments are not supported`"
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnames="n_components")
def _fit_full(x, n_components):
    means = x.mean(axis=0, keepdims=True)
    x = x - means
    U, S, Vt = jax.scipy.linalg.svd(x, full_matrices=False)
    return Vt[:n_components], means


def fit(x, n_components, solver="full"):
    if solver == "full":
        return _fit_full(x, n_components)  # expect: JL014
    raise ValueError("solver parameter is not correct")


x = jnp.ones((100, 8))
# jit traces every argument of fit: n_components reaches _fit_full's static slot as a tracer.
fit_jit = jax.jit(fit)
fit_jit(x, 3)

fit_jit_fixed = jax.jit(fit, static_argnames=("n_components", "solver"))
fit_jit_fixed(x, 3)
