"""JL003 examples about a wrapper built on every call of a function that a loop calls;
kept apart so that the rule module stays under the size limit."""

from jaxlint.rules.base import Invalid, Valid

PER_CALL_VALID = (
    Valid("""
        import jax
        def loss(p):
            return (p**2).sum()
        def descend(p):
            return p - jax.jit(jax.grad(loss))(p)
        def tune(p, rates):
            for rate in (0.1, 0.01):  # a sweep over a few settings
                p = descend(p)
            grad_jit = jax.jit(jax.grad(loss))
            for _ in range(100):
                p = p - grad_jit(p)  # built once
            return p
        """),
    Valid("""
        import jax
        def loss(p):
            return (p**2).sum()
        def descend(p):
            return p - jax.jit(loss)(p)  # the same function object: the cache hits
        def sync(stats):
            return jax.pmap(lambda x: jax.lax.pmean(x, "i"), "i")(stats)
        for step in range(10_000):
            params = descend(params)
            if step % 1000 == 0:  # once an epoch, not every iteration
                stats = sync(stats)
        """),
    Valid("""
        import jax
        def compare(path, width, data):
            scale = float(open(path).read())
            def loss(x):  # reads `scale` and `width`: another program on each call
                return (x[:width] * scale).sum()
            return jax.jit(jax.grad(loss))(data)
        for path in paths:
            compare(path, 4, data)
        """),
)
PER_CALL_INVALID = (
    Invalid(
        """
        import jax
        class Smoother:
            def smooth(self, x, width):
                kernel = jax.jit(lambda v: v.cumsum() / (1.0 + v.size))
                return kernel(x)
        smoother = Smoother()
        while signal.std() > 1.0:
            signal = smoother.smooth(signal, 3)
        """,
        line=4,
        message="`jax.jit` in `Smoother.smooth` wraps a new lambda on every call, and "
        "`Smoother.smooth` is called inside a `while` loop",
    ),
)
#: A factory's function built from what the loop changes: another program each time.
ITERATION_VALID = (
    Valid("""
        import jax
        def make_difference(order):
            def apply(x):
                for _ in range(order):
                    x = x[1:] - x[:-1]
                return x
            return apply
        for order in orders:
            difference = jax.jit(make_difference(order))  # another program per order
            print(difference(signal))
        for spec in specs:
            width = spec["width"]  # bound from the loop variable
            print(jax.jit(jax.vmap(make_difference(width)))(batch))
        """),
)
ITERATION_INVALID = (
    Invalid(
        """
        import jax
        def make_difference(order):
            return lambda x: x[order:] - x[:-order]
        for batch in batches:
            difference = jax.jit(make_difference(2))  # the same program every time
            print(difference(batch))
        """,
        line=5,
        message="`jax.jit` inside a `for` loop wraps a function built by a call",
        fixed="""
        import jax
        def make_difference(order):
            return lambda x: x[order:] - x[:-order]
        difference = jax.jit(make_difference(2))
        for batch in batches:
            print(difference(batch))
        """,
    ),
)
#: A program per setting: a ``partial`` or lambda that binds what the iteration changes,
#: compiled once and run several times in that iteration.
SETTING_VALID = (
    Valid("""
        from functools import partial
        import time
        import jax
        def sweep(solve, y, sigmasqs, nreps):
            for b in range(y.shape[0]):
                for sigmasq in sigmasqs:
                    closed = jax.jit(partial(solve, y[b, 0], sigmasq=sigmasq))
                    closed()  # warm-up: compiles this setting's program once
                    for rep in range(nreps):
                        start = time.time()
                        closed().block_until_ready()
                        print(time.time() - start)
                    scaled = jax.jit(lambda x: x * sigmasq)
                    table = {"scaled": scaled, "other": scaled}
        """),
)
SETTING_INVALID = (
    Invalid(
        """
        from functools import partial
        import jax
        def sweep(solve, y0, sigmasqs, nreps):
            for sigmasq in sigmasqs:
                fixed = jax.jit(partial(solve, y0, max_iter=10))  # binds nothing that changes
                fixed()
                for rep in range(nreps):
                    fixed()
        """,
        line=5,
        message="`jax.jit` inside a `for` loop wraps a new `functools.partial`",
        fixed="""
        from functools import partial
        import jax
        def sweep(solve, y0, sigmasqs, nreps):
            fixed = jax.jit(partial(solve, y0, max_iter=10))
            for sigmasq in sigmasqs:
                fixed()
                for rep in range(nreps):
                    fixed()
        """,
    ),
    Invalid(
        """
        from functools import partial
        import jax
        def sweep(solve, xs, parameters):
            out = []
            for p in parameters:
                fn = jax.jit(partial(solve, parameter=p))  # run once: a compile per call
                out.append(fn(xs))
            return out
        """,
        line=6,
        message="`jax.jit` inside a `for` loop wraps a new `functools.partial`",
    ),
)
#: What the rule module adds to its own examples.
MORE_VALID = PER_CALL_VALID + ITERATION_VALID + SETTING_VALID
MORE_INVALID = PER_CALL_INVALID + ITERATION_INVALID + SETTING_INVALID
