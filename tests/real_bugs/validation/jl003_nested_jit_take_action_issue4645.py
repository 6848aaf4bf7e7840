# Source: https://github.com/jax-ml/jax/issues/4645
# "I'm guessing for some reason the nested function is being redundantly compiled each call, but why is this the case?"
from functools import partial

import jax.numpy as jnp
from jax import jit, nn


class Agent:
    def __init__(self, net_apply, params):
        self.net_apply = net_apply
        self.params = params

    def take_action(self, obs):
        @jit  # expect: JL003
        def _take_action(params, obs):
            logits = self.net_apply(params, obs)
            sorted_logits = jnp.sort(nn.softmax(logits.flatten()))
            return logits, jnp.argmax(logits), sorted_logits[-1] - sorted_logits[-2]

        return _take_action(self.params, obs)

    @partial(jit, static_argnums=(0,))
    def _take_action_factored(self, params, obs):
        logits = self.net_apply(params, obs)
        sorted_logits = jnp.sort(nn.softmax(logits.flatten()))
        return logits, jnp.argmax(logits), sorted_logits[-1] - sorted_logits[-2]

    def take_action_fixed(self, obs):
        return self._take_action_factored(self.params, obs)  # trap: JL003


def run_episode(agent, observations):
    return [agent.take_action(obs) for obs in observations]
