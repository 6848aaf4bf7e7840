# Source: https://github.com/proteneer/timemachine/pull/800
# "JAX fails to trace through the assertions in timemachine.potentials.nonbonded.nonbonded_v3. This can be fixed by passing runtime_validate=False"
from functools import partial

import jax
import jax.numpy as jnp


def nonbonded_v3(conf, params, box, lamb, runtime_validate=True):
    if runtime_validate:
        assert (box == jnp.diag(jnp.diag(box))).all()  # expect: JL006
    dij = conf[:, None, :] - conf[None, :, :]
    return jnp.sum(params[:, 0] * jnp.sum(dij**2)) * lamb


nonbonded_ref_jit = jax.jit(nonbonded_v3)
nonbonded_ref_jit_fixed = jax.jit(partial(nonbonded_v3, runtime_validate=False))
nonbonded_ref_jit(jnp.ones((3, 3)), jnp.ones((3, 2)), jnp.eye(3), 0.5)
