# Source: https://github.com/jax-ml/jax/issues/5839
# "TypeError: list indices must be integers or slices, not DynamicJaxprTracer"
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import jit

database = [("alice", [jnp.ones(128), jnp.zeros(128)]), ("bob", [jnp.ones(128)])]


def jax_cosine(a, b):
    return 1.0 - jnp.dot(a, b) / (jnp.linalg.norm(a) * jnp.linalg.norm(b) + 1e-9)


@jit
def match_faces3(desc):
    distances = np.empty((len(desc), len(database)))
    time1 = time.time()  # expect: JL004
    for i, descr in enumerate(desc):
        for j, identity in enumerate(database):
            dist = []
            for k, id_desc in enumerate(identity[1]):
                dist.append(jax_cosine(descr, id_desc))
            distances[i][j] = dist[jnp.argmin(jnp.asarray(dist))]  # expect: JL006
    time2 = time.time() - time1  # expect: JL004
    print("time2", time2)  # expect: JL004
    distances = distances.tolist()
    return jnp.asarray(distances)


@jit
def match_faces_fixed(desc, identity_descs):
    def per_identity(descr, id_descs):
        return jnp.min(jax.vmap(lambda d: jax_cosine(descr, d))(id_descs))  # trap: JL006

    return jax.vmap(lambda d: jnp.stack([per_identity(d, ids) for ids in identity_descs]))(desc)


desc = jnp.ones((3, 128))
match_faces3(desc)
match_faces_fixed(desc, [jnp.stack(ids) for _, ids in database])
