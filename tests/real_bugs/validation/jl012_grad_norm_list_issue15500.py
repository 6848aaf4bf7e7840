# Source: https://github.com/jax-ml/jax/issues/15500
# "TypeError: jnp.linalg.norm requires ndarray or scalar arguments, got <class 'list'> at position 0."
import jax.numpy as jnp
from jax.tree_util import tree_leaves


def clipped_grad(l2_norm_clip, single_example_batch_grads):
    grads = single_example_batch_grads
    nonempty_grads = tree_leaves(grads)
    total_grad_norm = jnp.linalg.norm([jnp.linalg.norm(neg.ravel()) for neg in nonempty_grads])  # expect: JL012
    divisor = jnp.maximum(total_grad_norm / l2_norm_clip, 1.0)
    return [g / divisor for g in nonempty_grads]


def clipped_grad_fixed(l2_norm_clip, single_example_batch_grads):
    nonempty_grads = tree_leaves(single_example_batch_grads)
    total_grad_norm = jnp.linalg.norm(jnp.array([jnp.linalg.norm(neg.ravel()) for neg in nonempty_grads]))  # trap: JL012
    divisor = jnp.maximum(total_grad_norm / l2_norm_clip, 1.0)
    return [g / divisor for g in nonempty_grads]
