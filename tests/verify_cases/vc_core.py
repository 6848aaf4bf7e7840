"""Functions with known verify verdicts, all in one module so one worker serves them."""

from functools import partial

import jax
import jax.numpy as jnp


def pure_affine(x, w):
    return jnp.tanh(x @ w) + 1.0


@jax.jit
def jitted_pure(x):
    return jnp.sin(x) * 2.0


scale = 1.0


def bump_and_scale(x):
    # Reads a global it also updates: frozen at trace time under jit.
    global scale
    scale += 1.0
    return x * scale


@jax.custom_vjp
def wrong_vjp_sin(x):
    return jnp.sin(x)


def _sin_fwd(x):
    return jnp.sin(x), x


def _sin_bwd(x, cotangent):
    return (2.0 * jnp.cos(x) * cotangent,)  # wrong: the derivative of sin is cos


wrong_vjp_sin.defvjp(_sin_fwd, _sin_bwd)


@partial(jax.jit, static_argnums=1)
def _scaled(x, n):
    return x * n


_calls = 0


def counter_step(x):
    # A changing Python counter passed as a static argument recompiles every call.
    global _calls
    _calls += 1
    return _scaled(x, _calls % 3 + 1)


_cache = []


def leaky(x):
    _cache.append(x)  # keeps the tracer alive after the trace ends
    return x * 2.0


def relu_if(x):
    if x.sum() > 0:  # Python `if` on a traced value
        return x
    return -x


def noisy(x):
    print("called with", x)  # fires once at trace time under jit
    return x + 1.0


def gather_row(x, i):
    return x[i] * 3.0


def count_positive(n):
    return jnp.sum(jnp.arange(n) > 1)


class Scaler:
    def __init__(self, factor):
        self.factor = factor

    def apply(self, x):
        return x * self.factor


def made_lazily(x):
    return jnp.cumsum(x) ** 2


def reuses_key(key, x):
    noise = jax.random.normal(key, x.shape)
    mask = jax.random.bernoulli(key, 0.5, x.shape)  # the same key again
    return jnp.where(mask, x + noise, x)


def mixes_raw_key(key):
    # Arithmetic on raw key data: a typed key cannot stand in, so reuse is not followed.
    return jax.random.uniform(key ^ jnp.uint32(1), (2,))


JAXLINT_EXAMPLES = {
    "pure_affine": (jnp.linspace(0.1, 1.0, 12).reshape(3, 4), jnp.ones((4, 2)) * 0.5),
    "jitted_pure": (jnp.arange(4.0),),
    "bump_and_scale": (jnp.ones(3),),
    "wrong_vjp_sin": (jnp.array([0.1, 0.5, 1.0]),),
    "counter_step": (jnp.ones(3),),
    "leaky": (jnp.ones(3),),
    "relu_if": (jnp.ones(3),),
    "noisy": (jnp.ones(2),),
    "gather_row": (jnp.arange(6.0).reshape(2, 3), 1),
    "count_positive": (5,),
    "Scaler.apply": (Scaler(2.0), jnp.ones(3)),
    "made_lazily": lambda: (jnp.arange(1.0, 4.0),),
    "reuses_key": (jax.random.key(0), jnp.ones(3)),
    "mixes_raw_key": (jax.random.PRNGKey(1),),
}
