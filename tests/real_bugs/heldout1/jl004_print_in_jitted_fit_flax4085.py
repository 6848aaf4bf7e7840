# Source: https://github.com/google/flax/issues/4085
# "Dropout seems not compatible with jax.jit"
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax


class DNN(nn.Module):
    num_hidden_units: int
    dropout_rate: float

    @nn.compact
    def __call__(self, x, training):
        x = nn.Dense(self.num_hidden_units)(x)
        x = nn.relu(x)
        x = nn.Dropout(rate=self.dropout_rate, deterministic=not training)(x)
        return nn.Dense(1)(x)


model = DNN(num_hidden_units=32, dropout_rate=0.1)
optimizer = optax.adam(1e-3)


def mse(params, X, y, training):
    def squared_error(X, y):
        y_pred = model.apply(
            params,
            X,
            training,
            rngs={"dropout": jax.random.PRNGKey(114)},  # expect: JL016
        )
        diff = y_pred - y
        return jnp.inner(diff, diff)

    return jnp.mean(jax.vmap(squared_error)(X, y), axis=0)


def train_step(params, opt_state, X, y, training):
    loss, grads = jax.value_and_grad(mse)(params, X, y, training)
    updates, opt_state = optimizer.update(grads, opt_state)
    params = optax.apply_updates(params, updates)
    return params, opt_state, loss


@jax.jit
def fit(params, opt_state, X, y):
    for i in range(1000):  # expect: JL018
        params, opt_state, loss = train_step(params, opt_state, X, y, True)
        if i % 100 == 0:
            print(loss)  # expect: JL004
    return params


# The fixed version: jit one step, split the dropout key every step, loop in Python.
def mse_fixed(params, X, y, key):
    def squared_error(X, y, k):
        y_pred = model.apply(params, X, True, rngs={"dropout": k})  # trap: JL016
        diff = y_pred - y
        return jnp.inner(diff, diff)

    keys = jax.random.split(key, X.shape[0])
    return jnp.mean(jax.vmap(squared_error)(X, y, keys), axis=0)


@jax.jit
def train_step_fixed(params, opt_state, X, y, key):
    loss, grads = jax.value_and_grad(mse_fixed)(params, X, y, key)
    updates, opt_state = optimizer.update(grads, opt_state)
    return optax.apply_updates(params, updates), opt_state, loss


def fit_fixed(params, opt_state, X, y, key):
    for i in range(1000):  # trap: JL018
        key, step_key = jax.random.split(key)
        params, opt_state, loss = train_step_fixed(params, opt_state, X, y, step_key)
        if i % 100 == 0:
            print(loss)  # trap: JL004
    return params
