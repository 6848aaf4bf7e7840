# Source: https://github.com/ott-jax/ott/issues/3
# "In the case however, where the call to the sinkhorn function is included in another function (which we would like to jax.jit), checking out.converged and/or out.errors raises a ``ConcretizationTypeError``."
import jax
import jax.numpy as jnp
from ott.core import sinkhorn
from ott.geometry import pointcloud


def ot_cost(x, y):
    geom = pointcloud.PointCloud(x, y, epsilon=1e-2)
    out = sinkhorn.sinkhorn(geom)
    if out.errors[-1] < 1 and out.converged:  # expect: JL006
        return out.reg_ot_cost
    return jnp.nan


def ot_cost_fixed(x, y):
    geom = pointcloud.PointCloud(x, y, epsilon=1e-2)
    out = sinkhorn.sinkhorn(geom)
    return jnp.where(out.converged, out.reg_ot_cost, jnp.nan)  # trap: JL006


key_x, key_y = jax.random.split(jax.random.PRNGKey(0))
x = jax.random.normal(key_x, (16, 2))
y = jax.random.normal(key_y, (16, 2))
jax.jit(ot_cost)(x, y)
jax.jit(ot_cost_fixed)(x, y)
