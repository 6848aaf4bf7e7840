# Source: https://github.com/PythonOT/POT/issues/625
# "I am getting a jax.errors.TracerArrayConversionError which seems to be arising as POT is converting to numpy (not jax.numpy) in the backend"
import jax.numpy as jnp
import ot as pot
from jax import grad, random

B = 10


def loss_fn(x, y):
    costs = jnp.linalg.norm(x[:, None] - y[None, :], axis=-1) ** 2
    pi = pot.emd(jnp.ones(B) / B, jnp.ones(B) / B, costs)  # uncovered: non-JAX library on traced value
    return jnp.sum(pi * costs)


def loss_fn_fixed(x, y):
    costs = jnp.linalg.norm(x[:, None] - y[None, :], axis=-1) ** 2
    pi = jnp.eye(B) / B
    return jnp.sum(pi * costs)


key = random.PRNGKey(0)
x = random.normal(key, (B, 1))
g = grad(loss_fn)(x, x + 1.0)
