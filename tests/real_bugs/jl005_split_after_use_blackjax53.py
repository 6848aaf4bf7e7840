# Source: https://github.com/blackjax-devs/blackjax/issues/53
# "reuse of key is ok, when used for splitting"? No: splitting a used key repeats its numbers.
import jax


def f(rng_key):
    u = jax.random.normal(rng_key)
    rng_key, _ = jax.random.split(rng_key, 2)  # expect: JL005
    v = jax.random.normal(rng_key)
    return u, v


def f_fixed(rng_key):
    rng_key, u_key = jax.random.split(rng_key)
    u = jax.random.normal(u_key)
    v = jax.random.normal(rng_key)  # trap: JL005
    return u, v
