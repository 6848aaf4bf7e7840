# Source: https://github.com/jax-ml/jax/issues/5206
# The omnistaging side-effect example: random state advanced through global state inside jit,
# here held in a module-level dict.
from jax import jit, random

state = {"key": random.PRNGKey(0)}


@jit
def init():
    state["key"], subkey = random.split(state["key"])  # expect: JL002
    return random.normal(subkey, ())


@jit
def init_fixed(key):
    key, subkey = random.split(key)  # trap: JL002
    return key, random.normal(subkey, ())
