# Source: https://github.com/jax-ml/jax/issues/3654
# "the following line: `replay_action_one_hot = jax.nn.one_hot(replay_elements['action'], num_actions)` causes the following error"
import functools

import jax
import jax.numpy as jnp


@jax.jit
def select_q(q_values, replay_elements, num_actions):
    replay_action_one_hot = jax.nn.one_hot(replay_elements["action"], num_actions)  # expect: JL011
    return jnp.sum(q_values * replay_action_one_hot, axis=1)


@functools.partial(jax.jit, static_argnums=(2,))
def select_q_fixed(q_values, replay_elements, num_actions):
    replay_action_one_hot = jax.nn.one_hot(replay_elements["action"], num_actions)  # trap: JL011
    return jnp.sum(q_values * replay_action_one_hot, axis=1)


replay_elements = {"action": jnp.zeros(128, dtype=jnp.int32)}
q_values = jnp.ones((128, 4))
select_q(q_values, replay_elements, 4)
select_q_fixed(q_values, replay_elements, 4)
