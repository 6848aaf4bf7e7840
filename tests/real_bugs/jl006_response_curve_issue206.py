# Source: https://github.com/google/lightweight_mmm/issues/206
# TracerIntegerConversionError while building response curves: a period count is traced.
import jax
import jax.numpy as jnp


@jax.jit
def response_curve(media, n_periods, decay):
    out = jnp.zeros_like(media)
    carry = jnp.zeros(media.shape[1:])
    for t in range(n_periods):  # expect: JL006
        carry = carry * decay + media[t]
        out = out.at[t].set(carry)
    return out


@jax.jit
def response_curve_scan(media, decay):
    def step(carry, x):
        carry = carry * decay + x
        return carry, carry

    _, out = jax.lax.scan(step, jnp.zeros(media.shape[1:]), media)  # trap: JL006
    return out
