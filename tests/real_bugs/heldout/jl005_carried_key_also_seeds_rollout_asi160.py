# Source: https://github.com/SlopDotCash/asi/issues/160
# "after `key, candidate_key = jr.split(key)` at the top of `dream_step`, the post-split `key` is used **twice** — it seeds the rollout's behavior chain ... *and* it is returned in the scan carry, where the next dream iteration re-splits it."
import jax
import jax.numpy as jnp
import jax.random as jr


def sample_action(rng_key):
    stored, sample = jr.split(rng_key)
    return stored, jr.normal(sample, (2,))


def rollout(rng_key, horizon=3):
    actions = []
    for _ in range(horizon):
        rng_key, action = sample_action(rng_key)
        actions.append(action)
    return jnp.stack(actions)


def dream_step(key, _):
    key, candidate_key = jr.split(key)
    candidate = jr.normal(candidate_key, (2,))
    imagined = rollout(key)  # expect: JL005
    return key, (candidate, imagined)


# The fix (PR 161): split three ways and give the rollout its own key.
def dream_step_fixed(key, _):
    key, candidate_key, rollout_key = jr.split(key, 3)
    candidate = jr.normal(candidate_key, (2,))
    imagined = rollout(rollout_key)  # trap: JL005
    return key, (candidate, imagined)


_, dreams = jax.lax.scan(dream_step, jr.key(7), None, length=4)
_, dreams_fixed = jax.lax.scan(dream_step_fixed, jr.key(7), None, length=4)
print(dreams[0][:2], dreams_fixed[0][:2])
