# Source: https://github.com/google-deepmind/emergent_communication_at_scale/issues/2
# "I'm wondering if there is any way to display the current values of each tensor with rlax during the training? When I want to print them, it just displays me their shape"
from typing import NamedTuple

import jax
import jax.numpy as jnp


class ListenerLossOutputs(NamedTuple):
    loss: jax.Array
    accuracy: jax.Array


def listener_loss(params, batch):
    logits = batch["x"] @ params
    loss = jnp.mean((logits - batch["y"]) ** 2)
    accuracy = jnp.mean(jnp.sign(logits) == jnp.sign(batch["y"]))
    return loss, ListenerLossOutputs(loss=loss, accuracy=accuracy)


@jax.jit
def update(params, batch):
    (loss, outputs), grads = jax.value_and_grad(listener_loss, has_aux=True)(params, batch)
    print(outputs)  # expect: JL004
    return params - 0.1 * grads, outputs


# The fix: return the values and print them outside the compiled step (or use
# jax.debug.print inside it).
@jax.jit
def update_fixed(params, batch):
    (loss, outputs), grads = jax.value_and_grad(listener_loss, has_aux=True)(params, batch)
    jax.debug.print("loss={loss}", loss=outputs.loss)  # trap: JL004
    return params - 0.1 * grads, outputs


batch = {"x": jnp.ones((8, 3)), "y": jnp.ones(8)}
params = jnp.zeros(3)
for _ in range(2):
    params, outputs = update(params, batch)
params, outputs = update_fixed(params, batch)
print(outputs)
