# Source: https://github.com/jax-ml/jax/issues/4416
# "TypeError: Argument 'cpu:0' of type <class 'jaxlib.xla_extension.CpuDevice'> is not a valid JAX type."
import jax
import jax.numpy as jnp
import numpy as np


def cosine_dist(a, b):
    return 1.0 - jnp.dot(a, b) / (jnp.linalg.norm(a) * jnp.linalg.norm(b))


database = np.ones((3, 2, 4))


def match_faces3(desc):
    distances = np.empty((len(desc), len(database)))
    for i, descr in enumerate(desc):
        for j, identity in enumerate(database):
            dist = [cosine_dist(descr, id_desc) for id_desc in identity]
            distances[i][j] = dist[jnp.argmin(jnp.asarray(dist))]  # uncovered: tracer stored into a NumPy array
    return jnp.asarray(distances)


def match_faces3_fixed(desc):
    return jnp.stack(
        [jnp.stack([jnp.min(jnp.stack([cosine_dist(d, x) for x in identity])) for identity in database]) for d in desc]
    )


descriptors = jax.device_put(jnp.ones((2, 4)), jax.devices()[0])
matches_jit = jax.jit(match_faces3)
matches_jit(jax.devices()[0])  # uncovered: non-array argument to jit
jax.jit(match_faces3_fixed)(descriptors)
