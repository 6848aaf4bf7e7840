# Source: https://github.com/google/flax/issues/4695
# "if I call `Algorithm.update()`, and then save `nnx.state(model)`, I will get an `UnexpectedTracerError`, saying that the intermediate value created at `self.optimizer.update(grad)` was leaked."
import jax
import jax.numpy as jnp
import optax
from flax import nnx


class Algorithm:
    def __init__(self, model, lr=1e-3):
        self.model = model
        self.tx = optax.adamw(lr)
        self.optimizer = nnx.Optimizer(model, self.tx, wrt=nnx.Param)

        @jax.jit
        def update(x, y):
            def loss_fn(model):
                return jnp.mean((model(x) - y) ** 2)

            grad = nnx.grad(loss_fn)(self.model)
            self.optimizer.update(self.model, grad)  # expect: JL002

        self.update = update


# The fix given in the thread: nnx.jit, with the model and optimizer as inputs.
class AlgorithmFixed:
    def __init__(self, model, lr=1e-3):
        self.model = model
        self.optimizer = nnx.Optimizer(model, optax.adamw(lr), wrt=nnx.Param)

    @staticmethod
    @nnx.jit
    def _update(model, optimizer, x, y):
        def loss_fn(model):
            return jnp.mean((model(x) - y) ** 2)

        grad = nnx.grad(loss_fn)(model)
        optimizer.update(model, grad)  # trap: JL002

    def update(self, x, y):
        self._update(self.model, self.optimizer, x, y)


x = jnp.ones((4, 3))
y = jnp.zeros((4, 1))
fixed = AlgorithmFixed(nnx.Linear(3, 1, rngs=nnx.Rngs(0)))
fixed.update(x, y)
algo = Algorithm(nnx.Linear(3, 1, rngs=nnx.Rngs(0)))
algo.update(x, y)
print(nnx.state(algo.model))
