# Source: https://github.com/jax-ml/jax/pull/5747
# "`step` is used in this example to refer to both step number and the step function, which leads to an error if implemented naively"
import jax
import jax.numpy as jnp
from jax.example_libraries import optimizers

opt_init, opt_update, get_params = optimizers.sgd(step_size=0.1)


def loss_fn(params):
    return jnp.sum(params**2)


def step(step, opt_state):
    value, grads = jax.value_and_grad(loss_fn)(get_params(opt_state))
    opt_state = opt_update(step, grads, opt_state)
    return value, opt_state


def train(num_steps=10):
    opt_state = opt_init(jnp.ones(3))
    for step in range(num_steps):
        value, opt_state = step(step, opt_state)  # uncovered: loop counter shadows the step function
    return opt_state


# The fix (as merged): a different name for the loop counter.
def train_fixed(num_steps=10):
    opt_state = opt_init(jnp.ones(3))
    for i in range(num_steps):
        value, opt_state = step(i, opt_state)
    return opt_state


print(get_params(train_fixed()))
print(get_params(train()))
