# Source: https://github.com/jax-ml/jax/issues/15136
# "Your options are either (1) don't jit-compile this function, or (2) don't modify `self` within this jit-compiled function."
import functools

import jax.numpy as jnp
from jax import grad, jit


class NN:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.param = [(jnp.ones((4, 4)), jnp.zeros(4))]

    def loss(self, param, data, labels):
        (w, b) = param[0]
        return jnp.mean((data @ w + b - labels) ** 2)


class Trainer:
    def __init__(self, nn, data, labels):
        self.nn = nn
        self.data = data
        self.labels = labels

    @functools.partial(jit, static_argnums=(0,))
    def opt(self):
        grads = grad(self.nn.loss)(self.nn.param, self.data, self.labels)
        self.param = [  # expect: JL002
            (w - self.nn.lr * dw, b - self.nn.lr * db)
            for (w, b), (dw, db) in zip(self.nn.param, grads)
        ]
        return


@jit
def opt_fixed(param, data, labels, lr):
    def loss(param):
        (w, b) = param[0]
        return jnp.mean((data @ w + b - labels) ** 2)

    grads = grad(loss)(param)
    return [(w - lr * dw, b - lr * db) for (w, b), (dw, db) in zip(param, grads)]  # trap: JL002


nn = NN()
trainer = Trainer(nn, jnp.ones((8, 4)), jnp.zeros((8, 4)))
trainer.opt()
nn.param = opt_fixed(nn.param, trainer.data, trainer.labels, nn.lr)
