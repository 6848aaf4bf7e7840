"""JL006's own valid and invalid examples (Fixit style), kept beside the rule module
so that each stays under the size limit; ``tests/test_rule_examples.py`` runs them."""

from jaxlint.rules.base import Invalid, Valid
from jaxlint.rules.jl006_examples_staging import MORE_INVALID, MORE_VALID

VALID = (
    Valid("""
        import jax
        @jax.pmap
        def merge(base, extra):
            if extra:  # a dict of arrays (`extra.items()`): asks whether it is empty
                base = {**base, **{name: value * 2 for name, value in extra.items()}}
            return base
        """),
    Valid("""
        import jax
        from jax import lax
        @jax.jit
        def pad(x):
            # jax.lax holds configuration helpers too: these pads are Python ints.
            pads = lax.padtype_to_pads(x.shape, (3,), (1,), "SAME")
            if pads[0][0] > 0:
                x = x + 1.0
            return x
        """),
    Valid("""
        import jax
        def normalize(x, center):
            if center:  # callers disagree: a literal in one, a traced value in another
                x = x - x.mean()
            return x / x.std()
        @jax.jit
        def step(x):
            return normalize(x, True)
        @jax.jit
        def other(x, c):
            return normalize(x, c)
        """),
    Valid("""
        import jax
        def _is_none(x):
            return x is None
        def _materialise(is_zero, g):
            if is_zero:  # a leaf of a tree of Python bools
                return None
            return g
        @jax.jit
        def fill(grads):
            zeros = jax.tree.map(_is_none, grads)  # what _is_none returns: bools
            return jax.tree.map(_materialise, zeros, grads)
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        def handle(pattern):
            symbol = jnp.sum(pattern).astype(jnp.uint32)
            if isinstance(symbol, jax.core.Tracer):
                return symbol  # the tracer case leaves here
            return int(symbol)
        @jax.jit
        def solve(pattern, rhs):
            return rhs * handle(pattern)
        """),
    Valid("""
        from typing import NamedTuple, Optional, Sequence, Tuple
        import jax
        class State(NamedTuple):
            w: jax.Array
        # The truth of a container is its emptiness: static, whatever it holds.
        @jax.jit
        def f(x, extras: Tuple[jax.Array, ...], masks: Optional[Sequence[jax.Array]],
              state: State, options: dict):
            if extras:
                x = x + extras[0]
            if masks:
                x = x * masks[0]
            if not options:
                return x
            items = [x, state.w]
            if items and state:
                return x + state.w
            return x
        """),
    Valid("""
        import jax
        def clip(x, limit=None):
            if limit is not None:
                if x > limit:  # never traced: the jitted caller leaves `limit` at None
                    return limit
            return x
        @jax.jit
        def f(x):
            return clip(x) * 2
        """),
    Valid("""
        import functools
        import jax
        # in_axes=None passes the caller's value through unbatched: maybe a Python int.
        @functools.partial(jax.vmap, in_axes=[0] + [None] * 2)
        def f(x, n, mode):
            if n > 2 and mode == "fast":
                return x * n
            return x
        """),
    Valid("""
        import jax
        import numpy as np
        from jax import lax
        # No tracer is an int or a NumPy value: isinstance asks whether it is concrete.
        def normalize(index, size):
            if isinstance(index, (int, np.integer)):
                return index + size if index < 0 else index
            return lax.select(index < 0, index + size, index)
        @jax.jit
        def f(x, i):
            return x[normalize(i, x.shape[0])]
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        # A sequence by its default, or built by tuple(...): its truth is its length.
        def kernel(x, program_ids=()):
            if program_ids:
                x = x + program_ids[0]
            return x
        @jax.jit
        def f(x, starts):
            starts = tuple(jnp.asarray(s) for s in starts)
            zero = starts[0] if starts else 0
            return kernel(x, (zero,)) + kernel(x)
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        @jax.jit
        def f(x, mask=None):
            if x.ndim == 2 and x.shape[0] > 1:
                x = x.sum(0)
            if mask is not None:
                x = jnp.where(mask, x, 0)
            if len(x) > 3 or isinstance(x, tuple):
                x = x[:3]
            for i in range(x.shape[0]):
                x = x + i
            assert x.dtype == jnp.float32, "need float32"
            return x
        """),
    Valid("""
        import jax
        from functools import partial
        @partial(jax.jit, static_argnames=("training", "n"))
        def f(x, training, n):
            if training:
                x = x * 0.5
            for _ in range(n):
                x = x + 1
            return x
        """),
    Valid("""
        import jax
        def loss(x):
            if x > 0:  # grad-only: Python runs with concrete values every call
                return x ** 2
            return -x
        g = jax.grad(loss)
        """),
    Valid("""
        import jax
        SCALE = 3
        def helper(x, clip):
            if clip:  # every traced caller passes a Python constant
                return x * SCALE
            return x
        @jax.jit
        def f(x):
            if SCALE > 2:
                x = helper(x, True)
            return helper(x, clip=False)
        """),
    Valid("""
        import jax
        def f(x):
            if x > 0:  # not traced
                return int(x)
            return 0
        """),
    Valid("""
        import jax
        @jax.jit
        def f(params, x):
            for name, value in params.items():
                if name.startswith("b"):
                    x = x + value
            if "w" in params:
                x = x @ params["w"]
            n, d = x.shape
            if n > d:
                x = x.T
            return x
        """),
    Valid("""
        import jax
        from jax import core
        def not_tracer(x):
            return not isinstance(x, core.Tracer)
        # Code guarded by a test of tracer-ness never sees a tracer.
        @jax.jit
        def f(x, n):
            if not_tracer(n) and n in range(3):
                return x
            if isinstance(x, jax.core.Tracer):
                return x * 2
            elif x > 0:
                return x
            if jax.core.is_concrete(n):
                return x * int(n)
            return x
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        def as_vector(x):
            wrapped = x.ndim == 0
            return jnp.atleast_1d(x), wrapped
        @jax.jit
        def f(x):
            y, wrapped = as_vector(x)  # each part of what the helper returns
            return y[0] if wrapped else y
        """),
    Valid("""
        import jax
        # The treedef of tree_flatten is structure, known at trace time.
        @jax.jit
        def f(x, y):
            leaves, treedef = jax.tree_util.tree_flatten(x)
            if treedef == jax.tree_util.tree_structure(y):
                return leaves[0]
            return y
        """),
    Valid("""
        from functools import partial
        import jax
        from jax import lax
        # psum of a Python constant is the axis size: a Python int.
        @partial(jax.pmap, axis_name="batch")
        def mean(x):
            n = lax.psum(1, "batch")
            if n > 1:
                return lax.psum(x, "batch") / n
            return x
        """),
    Valid("""
        import functools
        import jax
        import jax.numpy as jnp
        def scale_leaf(n, x, mode="fast"):  # n, mode: bound by partial, not leaves
            return x * n if n > 2 and mode == "fast" else x
        @jax.jit
        def f(tree):
            with jax.ensure_compile_time_eval():  # eager: concrete, not traced
                n = jnp.sum(jnp.arange(4))
                count = int(n) if n > 3 else 3
            tree = jax.tree_util.tree_map(functools.partial(scale_leaf, count), tree)
            return jax.tree.map(functools.partial(scale_leaf, 1, mode="slow"), tree)
        """),
    Valid("""
        from functools import partial
        import jax
        import jax.numpy as jnp
        def update(key, params, batch, normalize: bool):
            def loss_fn(p):
                loss = jnp.mean((batch @ p) ** 2)
                if normalize:  # bound by the inner partial below: a Python bool
                    loss = loss / jnp.abs(loss)
                return loss
            return key, jax.grad(loss_fn)(params)
        def train(config, key, params, batches, delayed):
            update_partial = partial(update, normalize=config.normalize)
            def body(i, carry):
                step = partial(update_partial, batch=batches[i])  # a partial of a partial
                return jax.lax.cond(delayed[i], step, step, *carry)
            return jax.lax.fori_loop(0, len(batches), body, (key, params))
        """),
    Valid("""
        import equinox as eqx
        import jax.numpy as jnp
        @eqx.filter_jit  # traces arrays only: a parameter not known to be one may be
        def forward(x, flag, scale):  # a Python value, which stays static
            if flag and scale > 1:
                x = x / scale
            return jnp.tanh(x)
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        from functools import partial
        RATES = [0.1, 0.01]
        @partial(jax.jit, static_argnames="step")
        def rate(x, step, i):
            table = [1.0, 2.0]
            if step > 0:
                table = jnp.asarray(table)  # an array on one path: UNKNOWN, silent
            return x * RATES[step] + jnp.asarray(RATES)[i] + x.shape[0] + table[i]
        """),
    Valid("""
        import jax
        def power(a, steps=15):
            for _ in range(steps):  # no call passes steps: the default, a Python int
                a = a @ a
            return a
        power_jit = jax.jit(power)
        power_jit(jax.numpy.eye(3))
        power_static = jax.jit(power, static_argnums=1)
        power_static(jax.numpy.eye(3), 50)
        """),
    Valid("""
        import jax
        def loss(x, scale):
            return x * float(scale)  # grad differentiates x only: scale is concrete
        g = jax.grad(loss)
        h = jax.grad(loss, 1)  # argnums not spelled as a keyword: not read
        """),
    Valid("""
        import jax
        @jax.jit
        def f(x, y):
            # one item, a static shape, a first item that decides: nothing compared
            return max([x]) + max(x.shape[0], 1) * y + any([True, x > 0])
        """),
) + MORE_VALID
INVALID = (
    Invalid(
        """
        import math
        import jax
        @jax.jit
        def scale(x, d):
            return x / math.sqrt(d)  # math converts d to a Python float
        """,
        line=5,
    ),
    Invalid(
        """
        from typing import Literal
        import equinox as eqx
        @eqx.filter_jit  # traces array leaves only: Python bools, strings, ints are static
        def forward(x, training: bool, mode: Literal["fast", "slow"], n: int, flag=False):
            if training:
                x = x * 0.5
            if mode == "fast":
                x = x + 1
            for _ in range(n):
                x = x * 2
            if flag:
                x = -x
            if x.sum() > 0:  # x is an array leaf: traced
                return x
            return -x
        """,
        line=13,
        message="`x.sum() > 0`",
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def loss(p, x, clip):
            if clip > 0:  # unbatched by vmap, but jit still traces it
                p = jnp.clip(p, -clip, clip)
            return (p * x).sum()
        batched_loss = jax.jit(jax.vmap(loss, in_axes=(0, None, None)))
        def sign_step(p, x):
            if x.sum() > 0:  # jit(grad(f)) traces f's arguments
                return p
            return -p
        fast_grad = jax.jit(jax.grad(sign_step))
        """,
        count=2,
    ),
    Invalid(
        """
        import jax
        def loss_fn(p, x):
            return ((p * x) ** 2).sum()
        @jax.jit
        def train_step(p, x):
            loss, g = jax.value_and_grad(loss_fn)(p, x)  # traced results
            if loss > 1.0:
                g = g * 0.5
            return p - g
        """,
        line=7,
        column=8,
        message="Python `if` on traced value `loss > 1.0` (in train_step, decorated with",
    ),
    Invalid("""
        import jax
        @jax.jit
        def relu(x):
            if x > 0:
                return x
            return 0.0
        """),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        @jax.jit
        def f(x, y):
            z = jnp.sum(x * y)
            while z > 1.0:
                z = z / 2
            assert y.min() >= 0
            return z if z > 0 else -z
        """,
        count=3,
    ),
    Invalid(
        """
        import jax
        @jax.vmap
        def f(x, n):
            total = 0.0
            for i in range(n):
                total += float(x) * i
            return total
        """,
        count=2,
    ),
    Invalid("""
        from jax import lax
        def body(i, carry):
            if carry.sum() > 10 and i > 2:
                return carry
            return carry + 1
        def run(x):
            return lax.fori_loop(0, 10, body, x)
        """),
    Invalid("""
        import jax
        def helper(x, threshold):
            return x if threshold else -x
        @jax.jit
        def step(x):
            return helper(x, x.mean() > 0)
        """),
    Invalid("""
        import jax
        @jax.jit
        def f(x):
            n = x.sum().item()
            return x * n
        """),
    Invalid(
        """
        import equinox as eqx
        import jax
        import jax.numpy as jnp
        from jaxtyping import Array, Float
        @eqx.filter_jit
        def step(x: jax.Array, y: Float[Array, ""], z, w, flag):
            if x > 0 or y > 0:  # annotated arrays
                return x
            if jnp.abs(z) > 1:  # z is used as an array
                return z
            if w > 0 and flag:  # every call passes an array for w
                return w
            return x
        step(jnp.ones(()), jnp.ones(()), jnp.ones(()), jnp.zeros(()), True)
        """,
        count=3,
    ),
    Invalid(
        """
        import functools
        import jax
        def clip_leaf(limit, x):
            return limit if x > limit else x  # the leaf after the bound argument
        @jax.jit
        def clip_all(tree):
            return jax.tree_util.tree_map(functools.partial(clip_leaf, 1.0), tree)
        """,
        line=4,
        message="`x > limit`",
    ),
    Invalid(
        """
        import jax
        RATES = [0.1, 0.01, 0.001]
        @jax.jit
        def rate(step):
            return RATES[step]
        """,
        line=5,
        column=12,
        message="Python list `RATES` indexed by traced value `step`",
    ),
    Invalid(
        """
        import jax
        SCALES = {0: 1.0, 1: 2.0}
        @jax.jit
        def scale(x, a, b, level):
            return x * SCALES[level] + (a, b)[level] + sum([a, b][:level])
        """,
        count=3,
        message="Python dict `SCALES` looked up with traced key `level`",
    ),
    Invalid(
        """
        import jax
        def power(a, steps=15):
            for _ in range(steps):  # the wrapper's call passes 50: traced
                a = a @ a
            return a
        power_jit = jax.jit(power)
        power_jit(jax.numpy.eye(3), 50)
        """,
        line=3,
    ),
    Invalid(
        """
        import jax
        def loss(x, scale):
            return x * float(scale)  # float() refuses a JVP tracer, even without jit
        g = jax.grad(loss, argnums=1)
        """,
        line=3,
    ),
    Invalid(
        """
        import jax
        @jax.jit
        def clip_step(x, limit):
            return min(x, limit) + any([x > 0, limit > 0])  # Python's `<` and truth
        """,
        line=4,
        count=2,
        message="`min()` on traced value `x`",
    ),
) + MORE_INVALID
