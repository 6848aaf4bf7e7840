# Source: https://github.com/p-doom/jasmine/pull/239
# "We are initializing the same key every step. Have to fix this."
import jax
import jax.numpy as jnp
from flax import nnx


def patchify(videos, size):
    B, T, H, W, C = videos.shape
    x = videos.reshape(B, T, H // size, size, W // size, size, C)
    return x.transpose(0, 1, 2, 4, 3, 5, 6).reshape(B, T, -1, size * size * C)


class Tokenizer(nnx.Module):
    def __init__(self, patch_size: int, dim: int, rngs: nnx.Rngs):
        self.patch_size = patch_size
        self.proj = nnx.Linear(patch_size * patch_size * 3, dim, rngs=rngs)

    def mask_and_encode(self, videos, rng, training=True):
        B, T = videos.shape[:2]
        patch_BTNP = patchify(videos, self.patch_size)
        N = patch_BTNP.shape[2]
        if training:
            _rng_prob, _rng_mask = jax.random.split(jax.random.key(0), 2)  # expect: JL016
            mask_prob = jax.random.uniform(_rng_prob, minval=0.5, maxval=1.0)
            mask = jax.random.bernoulli(_rng_mask, mask_prob, (B, T, N))
            patch_BTNP = jnp.where(mask[..., None], 0.0, patch_BTNP)
        return self.proj(patch_BTNP)

    def mask_and_encode_fixed(self, videos, rng, training=True):
        B, T = videos.shape[:2]
        patch_BTNP = patchify(videos, self.patch_size)
        N = patch_BTNP.shape[2]
        if training:
            _rng_prob, _rng_mask = jax.random.split(rng, 2)  # trap: JL016
            mask_prob = jax.random.uniform(_rng_prob, minval=0.5, maxval=1.0)
            mask = jax.random.bernoulli(_rng_mask, mask_prob, (B, T, N))
            patch_BTNP = jnp.where(mask[..., None], 0.0, patch_BTNP)
        return self.proj(patch_BTNP)


@nnx.jit
def train_step(model, videos, rng):
    return jnp.mean(model.mask_and_encode(videos, rng) ** 2)


@nnx.jit
def train_step_fixed(model, videos, rng):
    return jnp.mean(model.mask_and_encode_fixed(videos, rng) ** 2)


model = Tokenizer(4, 32, nnx.Rngs(0))
videos = jnp.zeros((2, 3, 16, 16, 3))
rng = jax.random.key(1)
for _ in range(3):
    rng, step_rng = jax.random.split(rng)
    train_step(model, videos, step_rng)
    rng, step_rng_fixed = jax.random.split(rng)
    train_step_fixed(model, videos, step_rng_fixed)
