"""JL014's own valid and invalid examples (Fixit style), kept beside the rule module
so that each stays under the size limit; ``tests/test_rule_examples.py`` runs them."""

from jaxlint.rules.base import Invalid, Valid

VALID = (
    Valid("""
        import dataclasses
        from functools import partial
        import jax
        from flax import struct
        @dataclasses.dataclass(frozen=True)
        class Frozen:
            scale: float = 2.0
        @dataclasses.dataclass(eq=False)
        class ByIdentity:
            scale: float = 2.0
        @struct.dataclass
        class Node:  # flax decides how it hashes: not in sight
            scale: float = 2.0
        @dataclasses.dataclass
        class Derived(Base):  # the base may define __hash__
            scale: float = 2.0
        @partial(jax.jit, static_argnums=1)
        def apply(x, config):
            return x * config.scale
        def run(x, flag):
            config = Config() if flag else Frozen()
            return (apply(x, Frozen()) + apply(x, ByIdentity()) + apply(x, Node())
                    + apply(x, Derived()) + apply(x, config))
        @dataclasses.dataclass
        class Config:
            scale: float = 2.0
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)
        def run(x):
            return total(x, axes=(0, 1)) + total(x, (0,))
        """),
    Valid("""
        import jax
        def total(x, axes):
            return x.sum(axis=axes)
        total_jit = jax.jit(total, static_argnums=1)
        def run(x):
            return total(x, [0, 1]) + total_jit([1.0, 2.0], 0)  # not static: a pytree
        """),
    Valid("""
        import jax
        def apply(x, config):
            return x * config["scale"]
        apply_jit = jax.jit(apply)  # nothing static: a dict is a pytree
        def run(x):
            return apply_jit(x, {"scale": 2.0})
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def f(x, shape):
            return x.reshape(shape)
        def run(x, shape):
            return f(x, shape) + f(x, tuple([2, 3]))  # unknown, and a tuple
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="depth")
        def encode(x, depth):
            for _ in range(depth):
                x = x * 2
            return x
        def sweep(x, layers):
            for depth in range(3):  # a few settings, each compiled once
                x = encode(x, depth=depth)
            for depth in (4, 8):
                x = encode(x, depth=depth)
            for block in layers:  # any items: maybe a few
                x = encode(x, depth=block)
            return x
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def step(x, phase):
            return x * phase
        def train(x, n):
            for i in range(n):
                x = step(x, i % 2)  # two programs
                phase = 0
                x = step(x, phase)
            return x
        @jax.jit
        def unrolled(x):
            for i in range(100):  # traced: the inner calls are traced once
                x = step(x, i)
            return x
        """),
    Valid("""
        import dataclasses
        from typing import NamedTuple
        import jax
        import jax.numpy as jnp
        class Shape(NamedTuple):
            dims: tuple
            name: str
        @dataclasses.dataclass(frozen=True)
        class Grid:
            points: list = dataclasses.field(hash=False, default=None)
        @dataclasses.dataclass(frozen=True)
        class Sizes:
            sizes: tuple
            def __post_init__(self):
                object.__setattr__(self, "sizes", tuple(self.sizes))
        def f(x, spec):
            return x
        g = jax.jit(f, static_argnums=1)
        def run(x, flag):
            g(x, Shape((1, 2), "a"))
            g(x, Sizes([1, 2]))  # __post_init__ stores a tuple
            spec = Shape([1], "b") if flag else Shape((1,), "c")
            return g(x, spec)  # a list on one path only
        """),
    Valid("""
        import jax
        def f(sizes, x):
            return x * len(sizes)
        jax.pmap(f, static_broadcasted_argnums=0)((1, 2), jax.numpy.ones((1, 2)))
        jax.pmap(f)([1, 2], jax.numpy.ones((1, 2)))  # nothing static
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def window(x, width):
            return x[:width].sum()
        @partial(jax.jit, static_argnames="width")
        def smooth(x, width):
            return window(x, width) + window(x, x.shape[0] // 2)  # static, and a shape
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="lower")
        def _solve(c, b, lower):
            return jax.scipy.linalg.solve_triangular(c, b, lower=lower)
        def solve(c_and_lower, b):
            c, lower = c_and_lower  # a part of a tuple: here a Python bool
            return _solve(c, b, lower)
        @jax.jit
        def run(c, b):
            return solve((c, True), b)
        """),
    # One caller passes a tuple: the parameter is not an array on every call.
    Valid("""
        from functools import partial
        import jax
        import jax.numpy as jnp
        @partial(jax.jit, static_argnames="table")
        def lookup(x, table):
            return x * len(table)
        def scaled(x, weights):
            return lookup(x, table=weights)
        scaled(1.0, jnp.arange(3.0))
        scaled(2.0, (1, 2, 3))
        """),
    Valid("""
        from functools import partial
        import jax
        import jax.numpy as jnp
        def make_runner(step, fast):
            @partial(jax.jit, static_argnums=0)
            def run_fast(position, num_steps):
                return step(position, num_steps)
            @partial(jax.jit, static_argnums=1)
            def run(position, num_steps):
                return step(position, num_steps)
            if fast:
                return run_fast
            return run  # the static position depends on the path
        runner = make_runner(lambda p, n: p, False)
        runner(jnp.ones(3), 10)
        def make_plain(step):
            @partial(jax.jit, static_argnums=1)
            def run(position, num_steps):
                return step(position, num_steps)
            return run
        make_plain(lambda p, n: p)(jnp.ones(3), 10)
        plain = make_plain(lambda p, n: p)
        plain(jnp.ones(3), 10)  # an int in the static position
        """),
)
INVALID = (
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)
        def run(x):
            return total(x, axes=[0, 1])
        """,
        line=7,
        column=26,
        message="static argument `axes` of `total` is a list",
        fixed="""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames="axes")
        def total(x, axes):
            return x.sum(axis=axes)
        def run(x):
            return total(x, axes=(0, 1))
        """,
    ),
    Invalid(
        """
        from functools import partial
        import jax
        import jax.numpy as jnp
        @partial(jax.jit, static_argnums=1)
        def scale(x, grid):
            return x * len(grid)
        def run(x):
            grid = jnp.linspace(0, 1, 3)  # an array, as jnp.zeros(3) is
            return scale(x, grid) + scale(x, jnp.zeros(3))
        """,
        count=2,
    ),
    Invalid("""
        import jax
        import numpy as np
        def take(x, idx):
            return x[idx]
        take_jit = jax.jit(take, static_argnums=(1,))
        def run(x):
            return take_jit(x, np.array([0, 2]))
        """),
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnames=("options", "names"))
        def f(x, options, names):
            return x
        def run(x):
            options = {"mode": "fast"}
            return f(x, options, names={n for n in "ab"})
        """,
        count=2,
    ),
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=(2,))
        def train_step(params, batch, step):
            return params - 0.1 * batch.mean() / (step + 1)
        def train(params, batches, num_steps):
            for step in range(num_steps):
                params = train_step(params, batches[step], step)
            return params
        """,
        line=8,
        column=52,
        message="static argument `step` of `train_step` changes every iteration",
    ),
    Invalid("""
        import jax
        def warmup(x, t):
            return x * min(1.0, t / 100)
        warmup_jit = jax.jit(warmup, static_argnames="t")
        def schedule(x):
            return [warmup_jit(x, t=t + 1) for t in range(1000)]
        """),
    # A hexadecimal bound is read as Python reads it: as many values as range(32).
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def f(x, n): return x * n
        def run(x):
            for i in range(0x20): x = f(x, i)
            return x
        """,
        line=6,
        column=36,
        message="The static argument `n` (`i`) of `f` changes every iteration",
    ),
    # The function only indexes and measures it: the tuple is a safe fix.
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def pick(x, rows):
            return sum(x[r] for r in rows) / len(rows) + x[rows[0]]
        def run(x):
            return pick(x, [0]) + pick(x, [1, 2])
        """,
        count=2,
        fixed="""
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def pick(x, rows):
            return sum(x[r] for r in rows) / len(rows) + x[rows[0]]
        def run(x):
            return pick(x, (0,)) + pick(x, (1, 2))
        """,
        fixes=("safe", "safe"),
    ),
    Invalid(
        """
        from dataclasses import dataclass
        from functools import partial
        import jax
        @dataclass
        class Config:
            scale: float = 2.0
        @partial(jax.jit, static_argnames="config")
        def apply(x, config):
            return x * config.scale
        def run(x):
            config = Config(scale=3.0)
            return apply(x, config=config)
        """,
        line=12,
        column=28,
        message="is an instance of `Config` (`config`), whose class sets `__hash__` to None",
    ),
    Invalid(
        """
        import jax
        class Options:
            def __init__(self, mode):
                self.mode = mode
            def __eq__(self, other):
                return self.mode == other.mode
        def step(x, options):
            return x * 2 if options.mode == "double" else x
        step_jit = jax.jit(step, static_argnums=1)
        def run(x):
            return step_jit(x, Options("double"))
        """,
        message="it defines `__eq__` without `__hash__`",
    ),
    Invalid(
        """
        from typing import NamedTuple
        import jax
        import jax.numpy as jnp
        class OptimizerState(NamedTuple):
            packed_state: list
            tree_def: object
        def optimize(start, num, opt_state):
            return start
        optimize_jit = jax.jit(optimize, static_argnums=(1, 2))
        def run():
            opt_state = OptimizerState([jnp.zeros(3)], None)
            return optimize_jit(0, 10, opt_state)
        """,
        line=12,
        column=32,
        message="is an instance of `OptimizerState` (`opt_state`) holding a list "
        "(`[jnp.zeros(3)]`): its hash hashes every field",
    ),
    Invalid(
        """
        import dataclasses
        from typing import Any
        import jax
        import jax.numpy as jnp
        @dataclasses.dataclass(unsafe_hash=True)
        class C:
            x: Any
        def f(c, x):
            return x * c.x
        g = jax.jit(f, static_argnums=0)
        g(C(jnp.zeros(1)), 1.0)
        """,
        message="is an instance of `C` (`C(jnp.zeros(1))`) holding an array",
    ),
    Invalid(
        """
        import dataclasses
        from typing import Any
        import jax
        @dataclasses.dataclass(unsafe_hash=True)
        class C:
            x: Any
        def f(c, x):
            return x * c.x
        x = jax.numpy.zeros([1])
        c = C(x)
        jax.pmap(f, static_broadcasted_argnums=0)(c, x)
        """,
        line=11,
        column=43,
        message="The static argument `c` of `f` is an instance of `C` (`c`) holding an array",
    ),
    Invalid(
        """
        import jax
        def f(sizes, x):
            return x * len(sizes)
        step = jax.pmap(f, static_broadcasted_argnums=(0,))
        step([1, 2], jax.numpy.ones((1, 2)))
        """,
        message="The static argument `sizes` of `step` is a list",
        fixed="""
        import jax
        def f(sizes, x):
            return x * len(sizes)
        step = jax.pmap(f, static_broadcasted_argnums=(0,))
        step((1, 2), jax.numpy.ones((1, 2)))
        """,
    ),
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, static_argnums=1)
        def window(x, width):
            return x[:width].sum()
        @jax.jit
        def smooth(x, width):
            return window(x, width)  # `width` is a tracer here: unhashable
        """,
        line=8,
        message="The static argument `width` of `window` gets a traced value (`width`)",
    ),
    # A parameter that every call in the file gives an array, passed on as static.
    Invalid(
        """
        from functools import partial
        import jax
        import jax.numpy as jnp
        @partial(jax.jit, static_argnames="table")
        def lookup(x, table):
            return x * len(table)
        def scaled(x, weights):
            return lookup(x, table=weights)
        scaled(1.0, jnp.arange(3.0))
        """,
        line=8,
        message="The static argument `table` of `lookup` is an array (`weights`)",
    ),
    # A jitted function that a factory of this file returns keeps its static options
    # (mcx issue 58: arrays in static positions of the integrator a builder returns).
    Invalid(
        """
        from functools import partial
        import jax
        import jax.numpy as jnp
        def make_runner(step):
            @partial(jax.jit, static_argnums=(0, 2))
            def run(position, momentum, num_steps):
                return step(position, momentum, num_steps)
            return run
        runner = make_runner(lambda p, m, n: (p, m))
        runner(jnp.ones(3), jnp.zeros(3), 10)
        """,
        line=10,
        message="The static argument `position` of `runner` is an array",
    ),
)
