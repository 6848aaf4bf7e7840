# Source: https://github.com/markean/aimz/issues/292
# "On more than one device, `shard_axis=\"obs\"` passes `rng_key` into `shard_map` replicated, so every shard splits the same key and draws identical per-observation noise. Fold `lax.axis_index` into the key before splitting."
from functools import partial

import jax
import jax.numpy as jnp
from jax.sharding import Mesh, PartitionSpec as P

mesh = Mesh(jax.devices(), ("obs",))


@partial(jax.shard_map, mesh=mesh, in_specs=(P(), P("obs")), out_specs=P("obs"))
def add_noise(rng_key, loc):
    keys = jax.random.split(rng_key, loc.shape[0])  # uncovered: replicated key split identically on every shard
    return loc + jax.vmap(lambda k: jax.random.normal(k))(keys)


# The fix: fold the shard's index into the key before splitting.
@partial(jax.shard_map, mesh=mesh, in_specs=(P(), P("obs")), out_specs=P("obs"))
def add_noise_fixed(rng_key, loc):
    rng_key = jax.random.fold_in(rng_key, jax.lax.axis_index("obs"))
    keys = jax.random.split(rng_key, loc.shape[0])
    return loc + jax.vmap(lambda k: jax.random.normal(k))(keys)


loc = jnp.zeros(4 * len(jax.devices()))
print(add_noise(jax.random.PRNGKey(0), loc))
print(add_noise_fixed(jax.random.PRNGKey(0), loc))
