# Source: https://github.com/google/flax/pull/1903
# "I think ``jit`` cannot trace the ``create_triangular_schedule`` function because of the if else that depends on the input."
import functools

import jax
import jax.numpy as jnp


def create_triangular_schedule(lr_min, lr_max, steps_per_cycle):
    top = (steps_per_cycle + 1) // 2

    def learning_rate_fn(step):
        cycle_step = step % steps_per_cycle
        if cycle_step < top:  # expect: JL006
            lr = lr_min + cycle_step / top * (lr_max - lr_min)
        else:
            lr = lr_max - ((cycle_step - top) / top) * (lr_max - lr_min)
        return lr

    return learning_rate_fn


def create_triangular_schedule_fixed(lr_min, lr_max, steps_per_cycle):
    top = (steps_per_cycle + 1) // 2

    def learning_rate_fn(step):
        cycle_step = step % steps_per_cycle
        up = lr_min + cycle_step / top * (lr_max - lr_min)
        down = lr_max - ((cycle_step - top) / top) * (lr_max - lr_min)
        return jnp.where(cycle_step < top, up, down)  # trap: JL006

    return learning_rate_fn


def loss_fn(params, batch):
    return jnp.mean((batch["x"] @ params - batch["y"]) ** 2)


@functools.partial(jax.jit, static_argnums=(3,))
def train_step(params, step, batch, learning_rate_fn):
    grads = jax.grad(loss_fn)(params, batch)
    lr = learning_rate_fn(step)
    return params - lr * grads


batch = {"x": jnp.ones((8, 3)), "y": jnp.zeros(8)}
params = jnp.zeros(3)
learning_rate_fn = create_triangular_schedule(1e-4, 1e-2, 100)
learning_rate_fn_fixed = create_triangular_schedule_fixed(1e-4, 1e-2, 100)
params = train_step(params, jnp.array(0), batch, learning_rate_fn)
params = train_step(params, jnp.array(1), batch, learning_rate_fn_fixed)
