# Source: https://github.com/energnn/energnn/pull/75
# "Previously they were rebuilt inside each step, which forced JAX/NNX to retrace and recompile repeatedly."
import jax
import jax.numpy as jnp
import optax


def loss_fn(params, batch):
    x, y = batch
    return jnp.mean((x @ params - y) ** 2)


class Trainer:
    def __init__(self, optimizer):
        self.optimizer = optimizer
        self._value_and_grad = jax.jit(jax.value_and_grad(loss_fn))

    def training_step(self, params, opt_state, batch):
        value_and_grad = jax.jit(jax.value_and_grad(loss_fn))  # expect: JL003
        loss, grads = value_and_grad(params, batch)
        updates, opt_state = self.optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, loss

    def training_step_fixed(self, params, opt_state, batch):
        loss, grads = self._value_and_grad(params, batch)  # trap: JL003
        updates, opt_state = self.optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, loss


trainer = Trainer(optax.sgd(1e-2))
params = jnp.zeros(3)
opt_state = trainer.optimizer.init(params)
batch = (jnp.ones((8, 3)), jnp.ones(8))
for _ in range(100):
    params, opt_state, loss = trainer.training_step(params, opt_state, batch)
for _ in range(100):
    params, opt_state, loss = trainer.training_step_fixed(params, opt_state, batch)
