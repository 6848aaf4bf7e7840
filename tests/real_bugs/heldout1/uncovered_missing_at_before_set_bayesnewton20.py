# Source: https://github.com/AaltoML/BayesNewton/pull/20
# "AttributeError: DynamicJaxprTracer has no attribute set"
import jax
import jax.numpy as np


@jax.jit
def init_Qs(P0, dt):
    Qs = np.tile(P0 * dt, [3, 1, 1])
    Qs = Qs.set(0).set(P0)  # uncovered: .set without .at
    return Qs


@jax.jit
def init_Qs_fixed(P0, dt):
    Qs = np.tile(P0 * dt, [3, 1, 1])
    Qs = Qs.at[0].set(P0)
    return Qs


init_Qs_fixed(np.eye(2), 0.1)
init_Qs(np.eye(2), 0.1)
