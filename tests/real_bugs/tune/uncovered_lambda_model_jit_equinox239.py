# Source: https://github.com/patrick-kidger/equinox/pull/239
# "TypeError: Argument '<function ...>' of type <class 'function'> is not a valid JAX type."
import equinox as eqx
import jax


def loss_fn(model, x, y):
    return (model(x) - y) ** 2


model = eqx.nn.Lambda(lambda x: x)
jax.jit(loss_fn)(model, 0, 0)  # uncovered: non-array argument to jit
eqx.filter_jit(loss_fn)(model, 0, 0)
