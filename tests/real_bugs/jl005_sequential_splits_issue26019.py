# Source: https://github.com/jax-ml/jax/issues/26019
# A chain of two-way splits in place of one four-way split: every key is fresh.
import jax


def init_keys(key):
    key, state_key = jax.random.split(key)
    key, init_key_w = jax.random.split(key)
    key, init_key_kk = jax.random.split(key)
    key, init_key_hh = jax.random.split(key)  # trap: JL005
    return state_key, init_key_w, init_key_kk, init_key_hh


def init_weights_reused(key):
    state_key, init_key_w, init_key_hh, init_key_kk = jax.random.split(key, 4)
    w = jax.random.normal(init_key_w, (4, 4))
    hh = jax.random.normal(init_key_w, (4, 4))  # expect: JL005
    return state_key, w, hh, init_key_kk, init_key_hh
