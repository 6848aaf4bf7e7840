# Source: https://github.com/jax-ml/jax/issues/6350
# The number of segments comes in as a traced argument and is converted with int().
import jax
import jax.numpy as jnp


def segment_totals(data, segment_ids, num_segments):
    num_segments = int(num_segments)  # expect: JL006
    return jax.ops.segment_sum(data, segment_ids, num_segments=num_segments)


segment_totals_jit = jax.jit(segment_totals)


def segment_totals_static(data, segment_ids, num_segments):
    return jax.ops.segment_sum(data, segment_ids, num_segments=num_segments)


segment_totals_fixed = jax.jit(segment_totals_static, static_argnums=2)  # trap: JL006


@jax.jit
def count_rows(data):
    # int() of a shape entry is static.
    n = int(data.shape[0])  # trap: JL006
    return jnp.zeros(n)
