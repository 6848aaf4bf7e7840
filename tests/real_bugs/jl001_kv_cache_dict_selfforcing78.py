# Source: https://github.com/guandeh17/Self-Forcing/pull/78
# The KV cache is a dict of arrays updated by in-place sliced writes; ported to JAX the leaves are
# immutable, and only rebinding the dict entries (the PR's other style) works.
# The traced `start` as a slice bound fails under jit too (JL011): dynamic_update_slice fixes both.
import jax
import jax.numpy as jnp


@jax.jit
def update_kv_cache(kv_cache, k, v, start):
    end = start + k.shape[1]
    kv_cache["k"][:, start:end] = k  # expect: JL001, JL011
    kv_cache["v"][:, start:end] = v  # expect: JL001, JL011
    return kv_cache


@jax.jit
def update_crossattn_cache(crossattn_cache, k, v):
    crossattn_cache["k"] = k  # trap: JL001
    crossattn_cache["v"] = v
    crossattn_cache["is_init"] = jnp.array(True)
    return crossattn_cache


@jax.jit
def update_kv_cache_fixed(kv_cache, k, v, start):
    kv_cache["k"] = jax.lax.dynamic_update_slice(kv_cache["k"], k, (0, start, 0, 0))  # trap: JL001
    kv_cache["v"] = jax.lax.dynamic_update_slice(kv_cache["v"], v, (0, start, 0, 0))
    return kv_cache
