# Source: https://github.com/jaymody/picoGPT/issues/9
# Porting a NumPy GPT to JAX: the jitted forward pass still concatenates with classic NumPy.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def attention_heads(q, k, v):
    heads = [jnp.tanh(q[i] @ k[i].T) @ v[i] for i in range(q.shape[0])]
    return np.concatenate(heads, axis=-1)  # expect: JL007


@jax.jit
def attention_heads_fixed(q, k, v):
    heads = [jnp.tanh(q[i] @ k[i].T) @ v[i] for i in range(q.shape[0])]
    return jnp.concatenate(heads, axis=-1)  # trap: JL007
