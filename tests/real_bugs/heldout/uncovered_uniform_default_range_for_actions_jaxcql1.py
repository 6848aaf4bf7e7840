# Source: https://github.com/young-geng/JaxCQL/issues/1
# "only takes random actions in [0, 1], while the pytorch version takes random actions in [-1, 1]."
import jax


def cql_random_actions(rng, batch_size, cql_n_actions, action_dim):
    rng, split_rng = jax.random.split(rng)
    actions = jax.random.uniform(split_rng, shape=(batch_size, cql_n_actions, action_dim))  # uncovered: uniform's default range [0, 1) where actions live in [-1, 1]
    return rng, actions


# The fix: draw over the action space, [-1, 1].
def cql_random_actions_fixed(rng, batch_size, cql_n_actions, action_dim):
    rng, split_rng = jax.random.split(rng)
    actions = jax.random.uniform(
        split_rng, shape=(batch_size, cql_n_actions, action_dim), minval=-1.0, maxval=1.0
    )
    return rng, actions


rng = jax.random.PRNGKey(0)
rng, a = cql_random_actions(rng, 4, 10, 3)
rng, b = cql_random_actions_fixed(rng, 4, 10, 3)
print(a.min(), b.min())
