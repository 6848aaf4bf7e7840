# Source: https://github.com/jax-ml/jax/issues/17070
# "If the `where` mask has some False entries, and `curse == True`, then some gradients are `NaN`."
import jax
import jax.numpy as jnp


def main_fn(logits, where, curse):
    attn = jax.nn.softmax(logits, axis=0, where=where)
    if curse:
        attn = attn * jnp.sum(attn) ** -1
    return jnp.sum(attn * -jnp.log2(attn), where=where, initial=1.0)  # uncovered: reduction where= guard around a domain-unsafe op (NaN gradient)


def main_fn_fixed(logits, where, curse):
    attn = jax.nn.softmax(logits, axis=0, where=where)
    if curse:
        attn = attn * jnp.sum(attn) ** -1
    safe_attn = jnp.where(where, attn, 1.0)
    return jnp.sum(safe_attn * -jnp.log2(safe_attn), where=where, initial=1.0)


if __name__ == "__main__":
    grad_fn = jax.grad(main_fn)
    logits = jnp.array([1.0, 2.0, 3.0])
    where = jnp.array([True, True, False])
    print(grad_fn(logits, where, True))
    print(jax.grad(main_fn_fixed)(logits, where, True))
