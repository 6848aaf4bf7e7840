# Source: https://github.com/dunnolab/xland-minigrid/issues/42
# Three keys are split off, then the same parent key is split twice for two purposes.
import jax


def make_env_keys(rng, num_envs):
    rng, _rng1, _rng2 = jax.random.split(rng, num=3)
    ruleset_rng = jax.random.split(rng, num=num_envs)
    reset_rng = jax.random.split(rng, num=num_envs)  # expect: JL005
    return rng, ruleset_rng, reset_rng


def make_env_keys_fixed(rng, num_envs):
    rng, _rng1, _rng2 = jax.random.split(rng, num=3)
    ruleset_rng = jax.random.split(_rng1, num=num_envs)
    reset_rng = jax.random.split(_rng2, num=num_envs)  # trap: JL005
    return rng, ruleset_rng, reset_rng
