# Source: https://github.com/infer-actively/pymdp/issues/430
# "the **same** PRNG key is reused for every control factor's `jr.categorical` draw via `jtu.tree_map`."
import jax.numpy as jnp
import jax.random as jr
import jax.tree_util as jtu


def log_stable(x):
    return jnp.log(jnp.clip(x, 1e-16))


def sample_action(marginal, alpha=16.0, action_selection="deterministic", rng_key=None):
    if action_selection == "deterministic":
        selected_policy = jtu.tree_map(lambda x: jnp.argmax(x, -1), marginal)
    elif action_selection == "stochastic":
        logits = lambda x: alpha * log_stable(x)
        selected_policy = jtu.tree_map(lambda x: jr.categorical(rng_key, logits(x)), marginal)  # expect: JL005
    else:
        raise NotImplementedError
    return jnp.array(selected_policy)


def sample_action_fixed(marginal, alpha=16.0, action_selection="deterministic", rng_key=None):
    if action_selection == "deterministic":
        selected_policy = jtu.tree_map(lambda x: jnp.argmax(x, -1), marginal)
    elif action_selection == "stochastic":
        if rng_key is None:
            raise ValueError("rng_key is required for stochastic sampling")
        keys = jr.split(rng_key, len(marginal))
        logits = lambda x: alpha * log_stable(x)
        selected_policy = jtu.tree_map(
            lambda x, k: jr.categorical(k, logits(x)), marginal, list(keys)  # trap: JL005
        )
    else:
        raise NotImplementedError
    return jnp.array(selected_policy)


marginal = [jnp.array([0.5, 0.5]), jnp.array([0.2, 0.8]), jnp.array([0.9, 0.1])]
key_a, key_b = jr.split(jr.PRNGKey(0))
sample_action(marginal, action_selection="stochastic", rng_key=key_a)
sample_action_fixed(marginal, action_selection="stochastic", rng_key=key_b)
