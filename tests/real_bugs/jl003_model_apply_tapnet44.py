# Source: https://github.com/google-deepmind/tapnet/issues/44
# Jitting the model apply once outside the video loop: only shape changes recompile.
import jax
import jax.numpy as jnp


def build_apply(params):
    def apply(frames, query_points):
        return jnp.einsum("thwc,c->thw", frames, params) + query_points.sum()

    return apply


def inference_all(videos, params, queries):
    model_apply = jax.jit(build_apply(params))
    return [model_apply(v, queries) for v in videos]  # trap: JL003


def inference_all_slow(videos, params, queries):
    out = []
    for v in videos:
        out.append(jax.jit(build_apply(params))(v, queries))  # expect: JL003
    return out
