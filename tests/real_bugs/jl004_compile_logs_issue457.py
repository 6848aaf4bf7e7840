# Source: https://github.com/jax-ml/jax/issues/457
# print('compiling function NAME') to spot recompilation: the documented trace-time idiom.
import jax
import jax.numpy as jnp


@jax.jit
def loss(params, batch):
    print("compiling loss")  # trap: JL004
    return jnp.mean((batch @ params) ** 2)


@jax.jit
def scan_loss(params, batches):
    def body(carry, batch):
        # Inside a scan body the same print reads as per-iteration, but runs once.
        print("step")  # expect: JL004
        return carry + jnp.mean((batch @ params) ** 2), None

    total, _ = jax.lax.scan(body, 0.0, batches)
    return total
