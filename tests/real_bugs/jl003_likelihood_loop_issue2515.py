# Source: https://github.com/jax-ml/jax/issues/2515
# A likelihood and its gradient are jitted inside the fitting loop, once per data set.
import numpy as onp
from jax import grad, jit
from jax.numpy import exp, log, pi, sqrt


def _likelihood(s, m, w):
    return -log(1 / (s * sqrt(2.0 * pi)) * exp(-(((w - m) / s) ** 2) / 2.0)).sum()


def fit_all(s0, s1, sigma, mu, n):
    results = []
    for ss, mm in zip(s0, s1):
        x = onp.random.randn(n) * sigma + mu
        results.append(jit(grad(_likelihood, argnums=(0, 1)))(ss, mm, x))  # expect: JL003
    return results


def fit_all_fixed(s0, s1, sigma, mu, n):
    d_likelihood = jit(grad(_likelihood, argnums=(0, 1)))
    results = []
    for ss, mm in zip(s0, s1):
        x = onp.random.randn(n) * sigma + mu
        results.append(d_likelihood(ss, mm, x))  # trap: JL003
    return results
