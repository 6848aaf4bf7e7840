# Source: https://github.com/blackjax-devs/blackjax/pull/656
# Both loop patterns from the PR are correct: split-and-carry, and fold_in with the step.
import jax


def sample_split_carry(key, n_steps):
    values = []
    for _ in range(n_steps):
        key, subkey = jax.random.split(key, 2)
        values.append(jax.random.normal(subkey, [3, 5]))  # trap: JL005
    return values


def sample_fold_in(key, n_steps):
    values = []
    for step in range(n_steps):
        subkey = jax.random.fold_in(key, step)
        values.append(jax.random.normal(subkey, [3, 5]))  # trap: JL005
    return values


def sample_fixed_key_in_loop(key, n_steps):
    # The anti-pattern the PR replaces, minus the split: same draw every step.
    values = []
    for _ in range(n_steps):
        values.append(jax.random.normal(key, [3, 5]))  # expect: JL005
    return values
