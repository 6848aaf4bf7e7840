"""JL013's own valid and invalid examples (Fixit style), kept beside the rule module
so that each stays under the size limit; ``tests/test_rule_examples.py`` runs them."""

from jaxlint.rules.base import Invalid, Valid

VALID = (
    Valid("""
        import dataclasses
        from functools import partial
        import jax
        class Config:
            def __init__(self, scale):
                self.scale = scale
                self.name = ""
        @dataclasses.dataclass(frozen=True)
        class Frozen:
            scale: float
        @partial(jax.jit, static_argnums=1)
        def apply(x, cfg):
            return x * cfg.scale
        def run(x, flag, batches):
            cfg = Config(2.0)
            y = apply(x, cfg)
            cfg.name = "run"  # not read by apply
            if flag:
                cfg.scale = 5.0  # only on some paths
            y = apply(x, cfg)
            cfg.scale = 3.0
            jax.clear_caches()  # the next call compiles again
            y = apply(x, cfg)
            for batch in batches:
                fresh = Config(2.0)  # a new object each iteration: a new program
                y = apply(batch, fresh)
                fresh.scale = 4.0
            return y
        """),
    Valid("""
        import jax
        from functools import partial
        class Model:
            @partial(jax.jit, static_argnums=0)
            def apply(self, x):
                return x * 2
        """),
    Valid("""
        import jax
        import equinox as eqx
        class Model(eqx.Module):
            w: float
            @jax.jit
            def __call__(self, x):
                return x * self.w
        """),
    Valid("""
        import jax
        from jax.tree_util import register_pytree_node_class
        @register_pytree_node_class
        class Box:
            def __init__(self, v):
                self.v = v
            def tree_flatten(self):
                return (self.v,), None
            @classmethod
            def tree_unflatten(cls, aux, children):
                return cls(*children)
            @jax.jit
            def double(self):
                return Box(self.v * 2)
        """),
    Valid("""
        import jax
        class Box:
            def __init__(self, v):
                self.v = v
            @jax.jit
            def double(self):
                return self.v * 2
        jax.tree_util.register_pytree_node(Box, lambda b: ((b.v,), None), lambda a, c: Box(*c))
        """),
    Valid("""
        import jax
        from functools import partial
        class Scaler:
            def __init__(self, w):
                self.w = w
                self.reset()
            def reset(self):
                self.calls = 0  # only at construction: the first value
            def rename(self, name):
                self.name = name  # never read by the jitted method
            def rescale(self, w):
                self.w = w
                Scaler.apply.clear_cache()  # the next call compiles with the new w
            @partial(jax.jit, static_argnums=0)
            def apply(self, x):
                return x * self.w + self.calls
        """),
    Valid("""
        import jax
        from functools import partial
        class Scaler:
            def __init__(self, w):
                self.w = w
            def set_w(self, w):
                self.w = w
            def __hash__(self):
                return hash(self.w)
            def __eq__(self, other):
                return isinstance(other, Scaler) and self.w == other.w
            @partial(jax.jit, static_argnums=0)
            def apply(self, x):  # the class defines its hashing: its own business
                return x * self.w
        """),
    Valid("""
        import jax
        class Ops:
            @jax.jit
            def double(x):  # called as Ops.double(x): no instance
                return x * 2
        """),
    Valid("""
        import jax
        class Ops:
            @staticmethod
            @jax.jit
            def double(x):
                return x * 2
        """),
    Valid("""
        import jax
        from functools import partial
        class Ops:
            @classmethod
            @partial(jax.jit, static_argnames="cls")  # the class static: hashable
            def eye(cls, n):
                return jax.numpy.eye(3) * n
        """),
)
INVALID = (
    Invalid(
        """
        import jax
        class Scaler:
            def __init__(self, w):
                self.w = w
            @jax.jit
            def __call__(self, x):
                return x * self.w
        """,
        line=5,
        column=6,
        message="`@jax.jit` on method `Scaler.__call__`",
    ),
    Invalid("""
        import jax
        from functools import partial
        class Solver:
            @partial(jax.jit, static_argnames="steps")
            def solve(self, x, steps):
                return x
        """),
    Invalid("""
        from jax import jit
        class Agent(object):
            @jit
            def act(self, obs):
                return obs.argmax()
        """),
    Invalid(
        """
        import jax
        from functools import partial
        class Policy:
            def __init__(self, temperature):
                self.temperature = temperature
            def anneal(self):
                self.temperature = self.temperature * 0.9
            @partial(jax.jit, static_argnums=0)
            def act(self, logits):
                return logits / self.temperature
        """,
        line=8,
        column=6,
        message="`self.temperature` is reassigned in `Policy.anneal`",
    ),
    Invalid("""
        import jax
        class Normalizer:
            def __init__(self):
                self.mean = 0.0
            def update(self, batch):
                self.mean = batch.mean()
            def _center(self, x):
                return x - self.mean
            def apply(self, x):
                return self._center(x)  # reads self.mean through a helper
        Normalizer.apply = jax.jit(Normalizer.apply, static_argnames="self")
        """),
    Invalid(
        """
        from functools import partial
        import jax
        class Config:
            def __init__(self, scale):
                self.scale = scale
        @partial(jax.jit, static_argnums=1)
        def apply(x, cfg):
            return x * cfg.scale
        def run(x):
            cfg = Config(2.0)
            y = apply(x, cfg)
            cfg.scale = 5.0
            return y + apply(x, cfg)
        """,
        line=12,
        column=5,
        message="so the call at line 14 runs the program compiled with the old value",
    ),
    Invalid(
        """
        import dataclasses
        import jax
        @dataclasses.dataclass(eq=False)
        class Schedule:
            lr: float
        def update(params, grads, schedule):
            return params - schedule.lr * grads
        update_jit = jax.jit(update, static_argnames="schedule")
        def train(params, batches):
            schedule = Schedule(lr=0.1)
            for grads in batches:
                params = update_jit(params, grads, schedule=schedule)
                schedule.lr *= 0.9
            return params
        """,
        message="the next iteration's call runs the program",
    ),
    Invalid(
        """
        import jax
        from flax import struct
        @struct.dataclass  # a pytree; but the first argument is the class itself
        class Grid:
            @classmethod
            @jax.jit
            def zeros(shape):
                return jax.numpy.zeros(shape)
        """,
        line=6,
        column=6,
        message="under `@classmethod` on `Grid.zeros` traces its first argument `shape`",
    ),
)
