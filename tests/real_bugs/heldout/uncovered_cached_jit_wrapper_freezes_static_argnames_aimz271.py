# Source: https://github.com/markean/aimz/issues/271
# "`train_on_batch()` builds its jitted `SVI.update` wrapper once per model instance, deriving `static_argnames` from whatever non-array keyword arguments the first call happened to pass, and then reuses that wrapper for every later call regardless of what they pass."
import jax
import jax.numpy as jnp


def update(state, X, y, **kwargs):
    grad = X * (X @ state - y)[:, None]
    if kwargs.get("reduction", "mean") == "sum":
        return state - 0.1 * jnp.sum(grad, axis=0)
    return state - 0.1 * jnp.mean(grad, axis=0)


class Model:
    def __init__(self, state):
        self.state = state
        self._update = None

    def train_on_batch(self, X, y, **kwargs):
        if self._update is None:
            static = tuple(k for k, v in kwargs.items() if not isinstance(v, jax.Array))
            self._update = jax.jit(update, static_argnames=static)
        self.state = self._update(self.state, X, y, **kwargs)  # uncovered: jit wrapper cached with the static_argnames of the first call
        return self.state


# The fix: key the cached wrapper by the set of non-array argument names.
class ModelFixed:
    def __init__(self, state):
        self.state = state
        self._updates = {}

    def train_on_batch(self, X, y, **kwargs):
        static = tuple(sorted(k for k, v in kwargs.items() if not isinstance(v, jax.Array)))
        if static not in self._updates:
            self._updates[static] = jax.jit(update, static_argnames=static)
        self.state = self._updates[static](self.state, X, y, **kwargs)
        return self.state


X = jnp.ones((8, 3))
y = jnp.ones(8)
model = Model(jnp.zeros(3))
fixed = ModelFixed(jnp.zeros(3))
fixed.train_on_batch(X, y)
fixed.train_on_batch(X, y, reduction="sum")
model.train_on_batch(X, y)
model.train_on_batch(X, y, reduction="sum")
