# Source: https://github.com/jax-ml/jax/issues/4572
# Jitting a bound method inside the loop builds a new callable each time.
import jax
import jax.numpy as jnp


class Model:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return jnp.tanh(x @ self.w)


def evaluate(model, batches):
    out = []
    for batch in batches:
        out.append(jax.jit(model.predict)(batch))  # expect: JL003
    return out


def evaluate_fixed(model, batches):
    predict = jax.jit(model.predict)
    return [predict(batch) for batch in batches]  # trap: JL003
