# Source: https://github.com/quantumlib/OpenFermion/pull/1396
# "Calling float() on a Tracer object causes a jax.errors.ConcretizationTypeError because the actual value is not known when building the JAX computation graph."
from typing import cast

import jax
import jax.numpy as jnp


@jax.jit
def compute_objective_batched(chi, zeta, eri):
    residual = jnp.einsum("ip,pq,jq->ij", chi, zeta, chi) - eri
    return float(jnp.sum(residual**2))  # expect: JL006


@jax.jit
def compute_objective_batched_fixed(chi, zeta, eri):
    residual = jnp.einsum("ip,pq,jq->ij", chi, zeta, chi) - eri
    return cast(float, jnp.sum(residual**2))  # trap: JL006
