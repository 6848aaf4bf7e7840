"""JL006 examples about values that reach a function through its calls: what a call
of a jitted wrapper passes, a constructor's arguments, the class and container kind every
call in sight passes. Kept apart so that each examples module stays under the size limit;
:mod:`jaxlint.rules.jl006_examples` adds them to the rule's own."""

from jaxlint.rules.base import Invalid, Valid

CALL_VALID = (
    Valid("""
        import jax
        import jax.numpy as jnp
        def scaled(x, double=False):
            if double:  # static where jit is made and called
                return 2 * x
            return x
        y = jax.jit(scaled, static_argnums=1)(jnp.ones(3), True)
        z = jax.jit(scaled)(jnp.ones(3))  # the default: a Python value
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        class Interval:
            def __init__(self, low, high):
                if low > high:  # every traced caller passes Python numbers
                    raise ValueError("empty interval")
                self.low, self.high = low, high
        @jax.jit
        def unit_clip(x):
            bounds = Interval(0.0, 1.0)
            return jnp.clip(x, bounds.low, bounds.high)
        """),
    Valid("""
        from typing import NamedTuple
        import jax
        import jax.numpy as jnp
        class Batch(NamedTuple):
            images: jax.Array
            count: int
        class Other(NamedTuple):
            images: jax.Array
            count: jax.Array
        @jax.jit
        def mean_image(batch):
            if batch.count > 0:  # an int field: a Python value
                return batch.images.sum(0) / batch.count
            return batch.images[0]
        @jax.jit
        def total(batch, k, options):
            if batch.count > 0:  # callers pass instances of two classes
                return options[k]  # a list at one call, an array at the other
            return batch.images.sum()
        mean_image(Batch(jnp.ones((4, 2)), 4))
        total(Batch(jnp.ones((4, 2)), 4), 0, [1.0, 2.0])
        total(Other(jnp.ones((4, 2)), jnp.array(4)), 0, jnp.ones(2))
        """),
    Valid("""
        import jax
        def init(key, partial=None):
            merged = partial or {}  # a dict of arrays under jit: Python decides `or`
            return {**merged, "w": jax.random.normal(key, (3,))}
        params = jax.jit(init)(jax.random.key(0), {})
        params = jax.jit(init)(jax.random.key(1), params)
        """),
)
CALL_INVALID = (
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def scaled(x, double=False):
            if double:  # jit traces every argument it is called with, literals included
                return 2 * x
            return x
        y = jax.jit(scaled)(jnp.ones(3), double=True)
        z = jax.jit(scaled, static_argnames="double")(jnp.ones(3), double=True)
        """,
        line=4,
        message="`double`",
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        class Interval:
            def __init__(self, low, high):
                if low > high:  # `Interval(...)` in jitted code runs this traced
                    raise ValueError("empty interval")
                self.low, self.high = low, high
        @jax.jit
        def clipped(x, low, high):
            bounds = Interval(low, high)
            return jnp.clip(x, bounds.low, bounds.high)
        """,
        line=5,
        message="(in Interval.__init__, called from traced clipped)",
    ),
    Invalid(
        """
        from typing import NamedTuple
        import jax
        import jax.numpy as jnp
        class Batch(NamedTuple):
            images: jax.Array
            count: jax.Array
        @jax.jit
        def mean_image(batch):
            if batch.count > 0:  # an array field of a traced pytree: a tracer
                return batch.images.sum(0) / batch.count
            return batch.images[0]
        mean_image(Batch(jnp.ones((4, 2)), jnp.array(4)))
        first = Batch(jnp.zeros((1, 2)), jnp.array(1))
        mean_image(first)
        """,
        line=9,
        message="traced value `batch.count > 0`",
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        @jax.jit
        def pick(k, options):
            return options[k] * 2  # every call passes a tuple: jit keeps it one
        pick(0, (jnp.ones(2), jnp.zeros(2)))
        """,
        line=5,
        message="Python tuple `options` indexed by traced value `k`",
    ),
)
