# Source: https://github.com/PennyLaneAI/demos/issues/1045
# "the `update_step_jit` does not use the correct definition of the optimizer that is defined in `optimization_jit` ... as it is not passed as an argument to the `update_step_jit` function."
import jax
import jax.numpy as jnp
import optax


def loss_fn(params, data, targets):
    predictions = jnp.tanh(data @ params["weights"] + params["bias"])
    return jnp.sum((targets - predictions) ** 2 / len(data))


# Earlier in the demo: an optimizer at module level (a different learning rate here, to
# show which one the jitted step uses).
opt = optax.adam(learning_rate=0.01)


@jax.jit
def update_step_jit(i, args):
    params, opt_state, data, targets = args
    loss_val, grads = jax.value_and_grad(loss_fn)(params, data, targets)
    updates, opt_state = opt.update(grads, opt_state)  # uncovered: jitted helper reads the module-level optimizer, not the caller's local one
    params = optax.apply_updates(params, updates)
    return (params, opt_state, data, targets)


@jax.jit
def optimization_jit(params, data, targets):
    opt = optax.adam(learning_rate=0.3)
    opt_state = opt.init(params)
    args = (params, opt_state, data, targets)
    (params, opt_state, _, _) = jax.lax.fori_loop(0, 100, update_step_jit, args)
    return params


# The fix: one optimizer, defined once outside and used by both functions.
opt_fixed = optax.adam(learning_rate=0.3)


@jax.jit
def update_step_jit_fixed(i, args):
    params, opt_state, data, targets = args
    loss_val, grads = jax.value_and_grad(loss_fn)(params, data, targets)
    updates, opt_state = opt_fixed.update(grads, opt_state)
    params = optax.apply_updates(params, updates)
    return (params, opt_state, data, targets)


@jax.jit
def optimization_jit_fixed(params, data, targets):
    opt_state = opt_fixed.init(params)
    args = (params, opt_state, data, targets)
    (params, opt_state, _, _) = jax.lax.fori_loop(0, 100, update_step_jit_fixed, args)
    return params


data = jnp.sin(jnp.mgrid[-2:2:0.2].reshape(4, -1)) ** 3
targets = jnp.array([-0.2, 0.4, 0.35, 0.2])
params = {"weights": jnp.ones(data.shape[1]), "bias": jnp.array(0.0)}
print(optimization_jit(params, data, targets))
print(optimization_jit_fixed(params, data, targets))
