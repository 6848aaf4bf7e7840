# Source: https://github.com/araffin/sbx/issues/45
# "Why is `self.key` always the same after each `self._train` call?"
import jax
import jax.numpy as jnp


@jax.jit
def _train(params, key):
    key, noise_key = jax.random.split(key)
    noise = jax.random.normal(noise_key, params.shape)
    return params - 0.01 * noise, key


class SAC:
    def __init__(self, seed=0):
        self.key = jax.random.PRNGKey(seed)
        self.params = jnp.zeros(4)

    def train(self):
        self.params, _ = _train(self.params, self.key)  # uncovered: returned key dropped

    def train_fixed(self):
        self.params, self.key = _train(self.params, self.key)


model = SAC()
for _ in range(10):
    model.train()
    model.train_fixed()
