# Source: https://github.com/google/jaxopt/pull/350
# "doing (not self.stop_if_linesearch_fails | ~state.failed_linesearch) is not allowed because one is a bool and the other is an abstract value"
from typing import NamedTuple

import jax
import jax.numpy as jnp


class LbfgsState(NamedTuple):
    error: jnp.ndarray
    failed_linesearch: jnp.ndarray


class LBFGS:
    def __init__(self, tol=1e-3, stop_if_linesearch_fails=False):
        self.tol = tol
        self.stop_if_linesearch_fails = stop_if_linesearch_fails

    def _cond_fun(self, state):
        return (state.error > self.tol) & (not self.stop_if_linesearch_fails | ~state.failed_linesearch)  # expect: JL006

    def _cond_fun_fixed(self, state):
        return (state.error > self.tol) & jnp.logical_or(  # trap: JL006
            not self.stop_if_linesearch_fails, ~state.failed_linesearch
        )

    def run(self, state):
        return jax.lax.while_loop(self._cond_fun, lambda s: s._replace(error=s.error / 2), state)

    def run_fixed(self, state):
        return jax.lax.while_loop(self._cond_fun_fixed, lambda s: s._replace(error=s.error / 2), state)
