# Source: https://github.com/jax-ml/jax/issues/7826
# "Gives a strange error when the jit tries to look up using array-valued static fields: ValueError: The truth value of an array with more than one element is ambiguous."
import numpy as np
from flax.struct import dataclass, field
from jax import jit


@dataclass
class Model:
    c: np.ndarray = field(pytree_node=False)  # uncovered: array in a static pytree field


@dataclass
class ModelFixed:
    c: tuple = field(pytree_node=False)


@jit
def f(model):
    return 1.0


m = Model(np.ones(10))
n = Model(np.ones(10))
f(m)
f(n)
f(ModelFixed(tuple(np.ones(10))))
f(ModelFixed(tuple(np.ones(10))))
