"""JL001's valid and invalid examples (kept apart: the rule module stays small)."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid
from jaxlint.rules.jl001_examples_entries import ENTRY_INVALID, ENTRY_VALID

VALID = (
    Valid("""
        import jax
        @jax.jit
        def merge(state, update):
            # state.keys(): a dict of leaves, not an array; item assignment rebinds a leaf.
            for k in update.keys() & state.keys():
                state[k] = update[k]
            return state
        """),
    Valid("""
        import jax.numpy as jnp
        def f(x):
            x = jnp.asarray(x)
            return x.at[0].set(1.0)
        """),
    Valid("""
        import numpy as np
        x = np.zeros(3)
        x[0] = 1.0
        """),
    Valid("""
        import jax
        @jax.jit
        def f(params, x):
            params = dict(params)
            params["w"] = x
            return params
        """),
    Valid("""
        import jax.numpy as np  # this np is JAX
        import numpy as onp
        buf = onp.zeros(3)
        buf[1] = 2.0
        """),
    Valid("""
        from jax.experimental import pallas as pl
        def kernel(x_ref, o_ref):
            o_ref[...] = x_ref[...] * 2
        def run(x):
            return pl.pallas_call(kernel, out_shape=x)(x)
        """),
    Valid("""
        import dataclasses
        import functools
        import jax
        from jax.experimental import pallas as pl
        @jax.tree_util.register_dataclass
        @dataclasses.dataclass(frozen=True)
        class Meta:
            offsets: jax.Array  # a ref inside a kernel, annotated loosely
        def fill(meta: Meta, n):
            meta.offsets[0] = n  # a leaf of the pytree of refs the kernel received
        def kernel(x_ref, o_ref, meta_ref: Meta, *, n):
            fill(meta_ref, n)
            o_ref[...] = x_ref[...]
        def run(x, scratch):
            return pl.pallas_call(
                functools.partial(kernel, n=2), out_shape=x, scratch_shapes=[scratch]
            )(x)
        """),
    Valid("""
        import jax
        class Metadata:
            offsets: jax.Array
        def fill_metadata(sizes_ref, metadata_ref: Metadata):
            metadata_ref.offsets[0] = sizes_ref[0]  # a field of a struct of refs: a ref
        """),
    Valid("""
        import jax
        def f(x):
            ref = jax.new_ref(x)
            ref[0] = 1.0
            return ref[...]
        """),
    Valid("""
        def untraced(x):
            x[0] = 1  # nothing says x is a JAX array
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        def reset(memory):
            # Its parts are mapped over as pytrees: a list of per-layer caches.
            memory[0] = jax.tree.map(jnp.zeros_like, memory[0])
            memory[1:] = jax.tree.map(jnp.ones_like, memory[1:])
            return memory
        def step(memory, full):
            return jax.lax.cond(full, reset, lambda m: m, memory)
        """),
    Valid("""
        import jax.numpy as jnp
        import numpy as np
        def fill(i, v, on_device):
            x = np.zeros(3)
            if on_device:
                x = jnp.zeros(3)
                return x.at[i].set(v)  # this arm returns: its x never reaches below
            x[i] = v
            return x
        def either(i, v, on_device):
            x = np.zeros(3)
            if on_device:
                x = jnp.zeros(3)
            x[i] = v  # a JAX array on one path, a NumPy array on the other
            return x
        """),
    Valid("""
        import pandas as pd
        frame = pd.DataFrame({"a": [1, 2]})
        frame.at[0, "a"] = 5  # pandas' .at is assignable
        """),
    Valid("""
        import jax
        @jax.jit
        def f(state, layer, v):
            state["layers"][0] = layer  # one index: a list in the pytree, fine
            state = dict(state, extra=[[0, 0]])
            state["extra"][0][:] = v  # state was rebound: not a traced part
            return state
        def eager(state, v):
            state["vel"][:, 0] = v  # not traced: may be a NumPy array
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        @jax.jit
        def first(xs, v):
            xs[0] = v  # every call passes a list: a list of tracers takes item assignment
            return xs
        @jax.jit
        def unseen(xs, v):
            xs[0] = v  # a pytree of tracers, perhaps a list: nothing says it is one array
            return xs
        def run(a, b):
            return first([jnp.zeros(2), jnp.ones(2)], 1.0), first([a, b], 2.0)
        """),
    Valid("""
        import jax
        def accumulate(acc_ref: jax.Array, x):
            # Named as a ref, annotated as an array: no evidence either way, no claim.
            acc_ref[0] += x
        """),
    # A call passes NumPy, or the helper is used out of sight: its parameter is unknown.
    Valid("""
        import jax.numpy as jnp
        import numpy as np
        def initialize(f_init):
            f_init[0] = 0.0
            return f_init
        initialize(f_init=jnp.zeros(3))  # (a bug at this call, but the other works)
        initialize(np.zeros(3))
        def reset(buffer):
            buffer[0] = 0.0
            return buffer
        reset(jnp.zeros(3))
        handlers = {"reset": reset}  # called out of sight, with anything
        """),
) + ENTRY_VALID

INVALID = (
    Invalid(
        """
        try:
            import jax.numpy as jnp
        except ImportError:  # an optional dependency: the code below runs with jax
            jnp = None
        def f(x, w):
            q, k = jnp.asarray(x) @ w, jnp.zeros(3)  # each name gets its own part
            k[0] = 1.0
            top, bottom = jnp.split(q, 2)
            top[0] = 0.0
            return k, top, bottom
        """,
        fixed="""
        try:
            import jax.numpy as jnp
        except ImportError:  # an optional dependency: the code below runs with jax
            jnp = None
        def f(x, w):
            q, k = jnp.asarray(x) @ w, jnp.zeros(3)  # each name gets its own part
            k = k.at[0].set(1.0)
            top, bottom = jnp.split(q, 2)
            top = top.at[0].set(0.0)
            return k, top, bottom
        """,
        count=2,
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def padded(x, n):
            return jnp.pad(x, (0, n)), x.shape[0]
        @jax.jit
        def f(x):
            y, size = padded(x, 2)  # what the helper returns, part by part
            y[size] = 1.0
            return y
        """,
        fixed="""
        import jax
        import jax.numpy as jnp
        def padded(x, n):
            return jnp.pad(x, (0, n)), x.shape[0]
        @jax.jit
        def f(x):
            y, size = padded(x, 2)  # what the helper returns, part by part
            y = y.at[size].set(1.0)
            return y
        """,
    ),
    Invalid(
        """
        import jax.numpy as jnp
        def f():
            x = jnp.zeros(3)
            x[0] = 999  # keep this comment
            return x
        """,
        fixed="""
        import jax.numpy as jnp
        def f():
            x = jnp.zeros(3)
            x = x.at[0].set(999)  # keep this comment
            return x
        """,
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        @jax.jit
        def f(x, i, v):
            x[i] += v
            x[1:3] *= 2.0
            return x
        f(jnp.zeros(4), 0, 1.0)  # an array at every call: the argument is one tracer
        """,
        fixed="""
        import jax
        import jax.numpy as jnp
        @jax.jit
        def f(x, i, v):
            x = x.at[i].add(v)
            x = x.at[1:3].multiply(2.0)
            return x
        f(jnp.zeros(4), 0, 1.0)  # an array at every call: the argument is one tracer
        """,
        count=2,
    ),
    Invalid(
        """
        import jax
        from functools import partial
        @partial(jax.jit, static_argnums=(1,))
        def f(x, n):
            for k in range(n):
                x[k][0] = jnp.maximum(x[k][0], 0.0)
            return x.sum()  # a list has no .sum(): x is one array
        import jax.numpy as jnp
        """,
        fixed="""
        import jax
        from functools import partial
        @partial(jax.jit, static_argnums=(1,))
        def f(x, n):
            for k in range(n):
                x = x.at[k, 0].max(0.0)
            return x.sum()  # a list has no .sum(): x is one array
        import jax.numpy as jnp
        """,
    ),
    Invalid(
        """
        import jax
        class Buffer:
            def __init__(self, n):
                self.w = jax.numpy.zeros(n)
            def bump(self, i):
                self.w[i] -= 1
        """,
        fixed="""
        import jax
        class Buffer:
            def __init__(self, n):
                self.w = jax.numpy.zeros(n)
            def bump(self, i):
                self.w = self.w.at[i].subtract(1)
        """,
        fixes=("safe",),
    ),
    Invalid(
        """
        import jax
        @jax.jit
        def update_cache(cache, k, start):
            cache["k"][:, start] = k  # a leaf of the traced dict, indexed as an array
            return cache
        """,
        fixed="""
        import jax
        @jax.jit
        def update_cache(cache, k, start):
            cache["k"] = cache["k"].at[:, start].set(k)  # a leaf of the traced dict, indexed as an array
            return cache
        """,
    ),
    Invalid(
        """
        import equinox as eqx
        import jax.numpy as jnp
        class Stats(eqx.Module):
            mean: jnp.ndarray
        def reset(stats: Stats, i):
            buf = stats.mean  # the class declares the field an array
            buf[i] = 0.0
            return stats
        """,
        fixed="""
        import equinox as eqx
        import jax.numpy as jnp
        class Stats(eqx.Module):
            mean: jnp.ndarray
        def reset(stats: Stats, i):
            buf = stats.mean  # the class declares the field an array
            buf = buf.at[i].set(0.0)
            return stats
        """,
        fixes=("unsafe",),  # only the annotations say `buf` is a JAX array
    ),
    Invalid(
        """
        import jax.numpy as jnp
        def reset(x):
            x = jnp.asarray(x)
            x.at[0] = 0.0  # `.at` is not a view
            x.at[1] += 1.0
            return x
        """,
        fixed="""
        import jax.numpy as jnp
        def reset(x):
            x = jnp.asarray(x)
            x = x.at[0].set(0.0)  # `.at` is not a view
            x = x.at[1].add(1.0)
            return x
        """,
        count=2,
    ),
    Invalid(
        """
        import jax.numpy as jnp
        x = jnp.ones(4)
        x[0], x[1] = 1.0, 2.0
        """,
        count=2,
    ),
    Invalid(
        """
        import jax.numpy as jnp
        x = jnp.ones(4)
        def g():
            x[0] = 5.0  # not local: no fix
        """,
    ),
    Invalid(
        """
        import jax
        def f(x: jax.Array, y):
            x[0] //= 2
        """,
        fixes=(None,),
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def clear(x: jax.Array, i):
            x[i] = 0.0  # only the annotation says so: a NumPy array would be fine
            return x
        def either(x: jax.Array, i, fresh):
            if fresh:
                x = jnp.zeros(3)
            x[i] = 1.0  # made by jnp on one path, annotated on the other
            return x
        @jax.jit
        def traced(x: jax.Array, i):
            x[i] = 2.0  # a pytree of tracers: an array only by its annotation
            return x
        @jax.jit
        def summed(x: jax.Array, i):
            x[i] = 3.0  # jnp.sum takes arrays, not lists: one tracer, whatever the annotation
            return jnp.sum(x)
        """,
        fixed="""
        import jax
        import jax.numpy as jnp
        def clear(x: jax.Array, i):
            x = x.at[i].set(0.0)  # only the annotation says so: a NumPy array would be fine
            return x
        def either(x: jax.Array, i, fresh):
            if fresh:
                x = jnp.zeros(3)
            x = x.at[i].set(1.0)  # made by jnp on one path, annotated on the other
            return x
        @jax.jit
        def traced(x: jax.Array, i):
            x = x.at[i].set(2.0)  # a pytree of tracers: an array only by its annotation
            return x
        @jax.jit
        def summed(x: jax.Array, i):
            x = x.at[i].set(3.0)  # jnp.sum takes arrays, not lists: one tracer, whatever the annotation
            return jnp.sum(x)
        """,
        count=4,
        fixes=("unsafe", "unsafe", "unsafe", "safe"),
        message="In-place update of JAX array `x`",
    ),
    Invalid(
        """
        import jax.numpy as jnp
        def total(xs):
            acc_ref = jnp.zeros(3)  # named like a ref, made by jnp: an array
            acc_ref[0] = xs.sum()
            return acc_ref
        """,
        fixed="""
        import jax.numpy as jnp
        def total(xs):
            acc_ref = jnp.zeros(3)  # named like a ref, made by jnp: an array
            acc_ref = acc_ref.at[0].set(xs.sum())
            return acc_ref
        """,
        fixes=("safe",),
    ),
    Invalid(
        """
        import jax.numpy as jnp
        from mylib import Base
        class Buffer(Base):
            def __init__(self, n):
                self.w = jnp.zeros(n)
            def bump(self, i):
                self.w[i] += 1  # Base, of another file, may refuse assigning fields
        """,
        fixed="""
        import jax.numpy as jnp
        from mylib import Base
        class Buffer(Base):
            def __init__(self, n):
                self.w = jnp.zeros(n)
            def bump(self, i):
                self.w = self.w.at[i].add(1)  # Base, of another file, may refuse assigning fields
        """,
        fixes=("unsafe",),
    ),
    # A helper's parameter holds what every call of it in the file passes, by keyword
    # too (pymbar issue 557); callers elsewhere may pass NumPy, so the fix is unsafe.
    Invalid(
        """
        import jax.numpy as jnp
        import numpy as np
        def solve(u):
            return -jnp.log(jnp.exp(-u).sum(axis=1))
        def initialize(u, f_init):
            f_init[0] = 0.0
            return f_init
        u = np.random.rand(3, 30)
        initialize(u, f_init=solve(u))
        """,
        fixed="""
        import jax.numpy as jnp
        import numpy as np
        def solve(u):
            return -jnp.log(jnp.exp(-u).sum(axis=1))
        def initialize(u, f_init):
            f_init = f_init.at[0].set(0.0)
            return f_init
        u = np.random.rand(3, 30)
        initialize(u, f_init=solve(u))
        """,
        line=6,
        message="In-place update of JAX array `f_init`",
        fixes=("unsafe",),
    ),
) + ENTRY_INVALID
