"""JL001's examples about what proves a value a JAX array on every way in, and about
when its fix stays safe (entries out of sight, NumPy callers, NNX Variables, the order
of evaluation, code run to see it raise): appended to ``jl001_examples.py``'s."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid

ENTRY_VALID = (
    Valid("""
        import jax
        import numpy as np
        def fill(x):
            n = x.shape[0]  # a NumPy array has .shape too
            x[0] = 1.0  # called as is below, on a NumPy array: working code
            return x * n
        fill_jit = jax.jit(fill)
        out = fill(np.zeros(3))
        """),
    Valid("""
        import jax
        def add_row(x, table):
            table[0] = 1.0  # in_axes=None: the caller's value as given, a NumPy array maybe
            return x + table.shape[0]
        batched = jax.vmap(add_row, in_axes=(0, None))
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        import numpy as np
        def helper(x):
            x[0] = 1.0  # traced code passes a JAX array, the eager call a NumPy one
            return x
        @jax.jit
        def traced(y):
            return helper(jnp.asarray(y))
        out = helper(np.zeros(3))
        """),
    Valid("""
        from flax import nnx
        @nnx.jit
        def bump(count):
            n = count.shape[0]  # an NNX Variable has .shape and .at too
            count[0] = count[0] + n  # and takes item assignment, written in place
            return count
        """),
)

ENTRY_INVALID = (
    Invalid(
        """
        import jax
        def fill(x):
            n = x.shape[0]
            x[0] = 1.0  # a tracer under jit; another module may call fill as is
            return x * n
        def run(v):
            return jax.jit(fill)(v)
        """,
        fixed="""
        import jax
        def fill(x):
            n = x.shape[0]
            x = x.at[0].set(1.0)  # a tracer under jit; another module may call fill as is
            return x * n
        def run(v):
            return jax.jit(fill)(v)
        """,
        fixes=("unsafe",),
    ),
    Invalid(
        """
        import jax
        def run(v):
            def fill(x):
                n = x.shape[0]
                x[0] = 1.0  # nested, and only ever handed to jit: a tracer on every path
                return x * n
            return jax.jit(fill)(v)
        """,
        fixed="""
        import jax
        def run(v):
            def fill(x):
                n = x.shape[0]
                x = x.at[0].set(1.0)  # nested, and only ever handed to jit: a tracer on every path
                return x * n
            return jax.jit(fill)(v)
        """,
        fixes=("safe",),
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def helper(x):
            x[0] = 1.0  # its callers here pass arrays; another module may pass NumPy
            return x
        @jax.jit
        def traced(y):
            return helper(jnp.asarray(y))
        """,
        fixed="""
        import jax
        import jax.numpy as jnp
        def helper(x):
            x = x.at[0].set(1.0)  # its callers here pass arrays; another module may pass NumPy
            return x
        @jax.jit
        def traced(y):
            return helper(jnp.asarray(y))
        """,
        fixes=("unsafe",),
    ),
    Invalid(
        """
        import jax.numpy as jnp
        class Cursor:
            def __init__(self):
                self.w = jnp.zeros(3)
                self.i = 0
            def advance(self):
                self.i += 1
                return 1.0
            def step(self, make):
                self.w[self.i] = self.advance()  # the value moves self.i before it is read
                out = jnp.zeros(3)
                k = 0
                out[k] = make()  # local target and index: no call can change them
                return out
        """,
        fixed="""
        import jax.numpy as jnp
        class Cursor:
            def __init__(self):
                self.w = jnp.zeros(3)
                self.i = 0
            def advance(self):
                self.i += 1
                return 1.0
            def step(self, make):
                self.w = self.w.at[self.i].set(self.advance())  # the value moves self.i before it is read
                out = jnp.zeros(3)
                k = 0
                out = out.at[k].set(make())  # local target and index: no call can change them
                return out
        """,
        count=2,
        fixes=("unsafe", "safe"),
    ),
    Invalid(
        """
        import jax.numpy as jnp
        try:
            x = jnp.arange(10)
            x[0] = 10  # a lesson: this raises, and the handler shows it
        except TypeError as error:
            print(error)
        """,
        fixed="""
        import jax.numpy as jnp
        try:
            x = jnp.arange(10)
            x = x.at[0].set(10)  # a lesson: this raises, and the handler shows it
        except TypeError as error:
            print(error)
        """,
        fixes=("unsafe",),
    ),
)
