# Source: https://github.com/google-deepmind/dm-haiku/issues/214
# "I ran into an \"unexpected tracer\" error doing this, despite the fact that I'm not (directly?) modifying global state."
import haiku as hk
import jax
import jax.numpy as jnp


def build_forward_fn():
    def forward_fn(_, is_training=True):
        m = hk.Linear(300)

        data = jnp.arange(0, 256).astype("float32")
        data = jnp.expand_dims(data, axis=0)
        data = jnp.stack([data, data])
        data = jnp.expand_dims(data, axis=0)

        def scanner_fn(carry, batch):
            out = m(batch)
            return carry, out

        jax.lax.scan(scanner_fn, 0, data)  # uncovered: haiku-module-in-raw-lax-scan

    return forward_fn


# The fix: inside a transformed function, use Haiku's own scan.
def build_forward_fn_fixed():
    def forward_fn(_, is_training=True):
        m = hk.Linear(300)

        data = jnp.arange(0, 256).astype("float32")
        data = jnp.expand_dims(data, axis=0)
        data = jnp.stack([data, data])
        data = jnp.expand_dims(data, axis=0)

        def scanner_fn(carry, batch):
            out = m(batch)
            return carry, out

        hk.scan(scanner_fn, 0, data)

    return forward_fn


if __name__ == "__main__":
    rng = jax.random.PRNGKey(100)
    forward_fn = hk.transform(build_forward_fn())
    jax.jit(forward_fn.init)(rng, 1)
    forward_fn_fixed = hk.transform(build_forward_fn_fixed())
    jax.jit(forward_fn_fixed.init)(rng, 1)
