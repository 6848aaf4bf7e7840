# Source: https://github.com/reservoirpy/reservoirpy/issues/234
# "Several nodes on the jax backend call jax's functional array updates (`arr.at[i].set(v)`, `arr.at[...].multiply(v)`) without assigning the result."
import itertools as it
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnums=(2, 3))
def nvar_step(state, x, strides, output_dim, idxs):
    store = state["store"]

    # store the current input
    new_store = jnp.roll(store, 1, axis=0)
    new_store.at[0].set(x)  # expect: JL008

    output = jnp.zeros((output_dim,))

    linear_feats = jnp.ravel(new_store[::strides, :])
    linear_len = linear_feats.shape[0]

    output.at[:linear_len].set(linear_feats)  # expect: JL008
    output.at[linear_len:].set(jnp.prod(linear_feats[idxs], axis=1))  # expect: JL008

    return {"out": output, "store": new_store}


# The fix (reservoirpy PR): assign every update back.
@partial(jax.jit, static_argnums=(2, 3))
def nvar_step_fixed(state, x, strides, output_dim, idxs):
    store = state["store"]

    new_store = jnp.roll(store, 1, axis=0)
    new_store = new_store.at[0].set(x)  # trap: JL008

    output = jnp.zeros((output_dim,))

    linear_feats = jnp.ravel(new_store[::strides, :])
    linear_len = linear_feats.shape[0]

    output = output.at[:linear_len].set(linear_feats)  # trap: JL008
    output = output.at[linear_len:].set(jnp.prod(linear_feats[idxs], axis=1))  # trap: JL008

    return {"out": output, "store": new_store}


delay, order, strides, input_dim = 2, 2, 1, 3
linear_dim = delay * input_dim
idxs = jnp.array(list(it.combinations_with_replacement(range(linear_dim), order)))
output_dim = linear_dim + idxs.shape[0]
state = {"out": jnp.zeros((output_dim,)), "store": jnp.zeros((delay * strides, input_dim))}
x = jnp.ones((input_dim,))
print(nvar_step(state, x, strides, output_dim, idxs)["out"])  # all zeros
print(nvar_step_fixed(state, x, strides, output_dim, idxs)["out"])
