"""JL002's own valid and invalid examples (Fixit style), kept beside the rule module
so that each stays under the size limit; ``tests/test_rule_examples.py`` runs them."""

from jaxlint.rules.base import Invalid, Valid

VALID = (
    Valid("""
        import jax
        def main(model, batches, params):
            def generate_step(params, batch):
                model.params = params  # handed to generate below: each call's own params
                return model.generate(batch["inputs"]).sequences
            p_generate_step = jax.pmap(generate_step, "batch")
            return [p_generate_step(params, batch) for batch in batches]
        """),
    Valid("""
        import jax
        class Sampler:
            def __init__(self, weights=None):
                self.weights = weights
            def run(self, xs):
                def body(carry, x):
                    if self.weights is None:
                        self.weights = {"a": 1.0}  # set up when missing: a Python dict
                    return carry + x * self.weights["a"], None
                return jax.lax.scan(body, 0.0, xs)[0]
        """),
    Valid("""
        import functools
        import jax
        import jax.numpy as jnp
        class Standardise:
            def __init__(self, eps):
                self.eps = eps
            @functools.partial(jax.jit, static_argnums=0)
            def __call__(self, batch):
                # scratch spelled on self: written, then read, only within this one trace
                self._centred = batch - jnp.mean(batch, axis=0)
                spread = jnp.sqrt(jnp.mean(self._centred**2, axis=0) + self.eps)
                return self._centred / spread
        """),
    Valid("""
        import functools
        import jax
        class Model:
            def __init__(self):
                self.missing = set()
            def init_weights(self, key, shape):
                self.missing = set()  # traced for shapes afresh at every call below
                return jax.random.normal(key, shape)
            def shapes(self, key):
                init_fn = functools.partial(self.init_weights, shape=(3,))
                return jax.eval_shape(init_fn, key)
        """),
    Valid("""
        import jax
        class Trainer:
            def __init__(self, tx):
                self.tx = tx  # an optimizer, not a container
            def step(self, grads, state):
                updates, state = self.tx.update(grads, state)  # returns: no mutation
                return updates, state
        trainer = Trainer(make_optimizer())
        @jax.jit
        def train(grads, state):
            new = trainer.tx.update(grads, state)  # a method of an unknown object
            return trainer.step(grads, state), new
        """),
    Valid("""
        import jax
        class _Storage:
            def __init__(self):
                self.ref = None
        storage = _Storage()
        @jax.jit
        def set_error(code):
            storage.ref[...] = code  # a ref: written in place by design
            return code
        """),
    Valid("""
        import jax
        class Namer:
            def __init__(self):
                self.count = 0
            def fresh(self, prefix):
                self.count += 1  # only called by traced code: a trace-time counter
                return f"{prefix}_{self.count}"
        namer = Namer()
        @jax.jit
        def step(x):
            namer.fresh("layer")
            return x
        class Pure:
            @staticmethod
            def count(n):
                return n + 1
        fast = jax.jit(Pure.count)
        """),
    Valid("""
        import jax
        _backend = None
        def get_backend():
            global _backend
            if _backend is None:
                _backend = object()  # lazy initialisation: once is the intent
            return _backend
        @jax.jit
        def step(x):
            get_backend()
            return x
        """),
    Valid("""
        import jax
        @jax.jit
        def step(x):
            out = []
            out.append(x)
            cache = {}
            cache["x"] = x
            return out
        """),
    Valid("""
        counter = 0
        def not_traced():
            global counter
            counter += 1
        """),
    Valid("""
        import jax
        import optax
        tx = optax.adam(1e-3)
        @jax.jit
        def step(params, grads, state):
            updates, state = tx.update(grads, state, params)
            return updates, state
        """),
    Valid("""
        import jax
        def make(total):
            @jax.jit
            def add(x):
                total[0] += x  # `total` may be anything: one call passes a list, one not
                return x
            return add
        make([0.0])
        make(get_total())
        """),
)

INVALID = (
    Invalid(
        """
        import jax
        def main(model, batches, params):
            def generate_step(params, batch):
                model.params = params  # handed to generate below: fine
                model.calls = model.calls + 1  # not an argument: counts one trace, not calls
                return model.generate(batch["inputs"]).sequences
            p_generate_step = jax.pmap(generate_step, "batch")
            return [p_generate_step(params, batch) for batch in batches]
        """,
        count=1,
        line=5,
        column=9,
        message="`model.calls = ...` sets an attribute of a closed-over object",
    ),
    Invalid(
        """
        import jax
        class Sampler:
            def __init__(self):
                self.first = None
            def run(self, xs):
                def body(carry, x):
                    if self.first is None:
                        self.first = x * 2.0  # guarded, but a tracer kept on the object
                    return carry + x, None
                return jax.lax.scan(body, 0.0, xs)[0]
        """,
        line=8,
        message="sets an attribute of a closed-over object",
    ),
    Invalid(
        """
        import jax
        import numpy as np
        buffer = np.zeros(8)
        @jax.jit
        def record(i, x):
            buffer[0] = 1.0  # written once, at trace time
            return x
        """,
        line=6,
    ),
    Invalid("""
        import jax
        import jax.numpy as jnp
        CACHE = {}
        @jax.jit
        def step(x):
            if "exp" not in CACHE:
                CACHE["exp"] = jnp.exp(x)  # a guarded cache of a tracer still leaks
            return CACHE["exp"]
        """),
    Invalid("""
        import jax
        counter = 0
        @jax.jit
        def step(x):
            global counter
            counter += 1
            return x
        """),
    Invalid("""
        import jax
        history = []
        @jax.jit
        def step(x):
            history.append(x)
            return x
        """),
    Invalid("""
        import jax
        CACHE = {}
        def helper(x):
            CACHE["last"] = x
            return x
        @jax.jit
        def step(x):
            return helper(x)
        """),
    Invalid("""
        import jax
        import jax.numpy as jnp
        class Model:
            @jax.jit
            def apply(self, x):
                self.last = jnp.tanh(x)
                return self.last
        model = Model()
        print(model.last)  # read outside the trace: a leaked tracer
        """),
    Invalid(
        """
        import functools
        import jax
        import jax.numpy as jnp
        class Accumulator:
            @functools.partial(jax.jit, static_argnums=0)
            def add(self, x):
                self.total = jnp.sum(x) + getattr(self, "total", 0.0)  # the last trace's
                return self.total
        """,
        line=7,
    ),
    Invalid(
        """
        import jax
        class Counter:
            def __init__(self):
                self.n = 0
            def count(self):
                self.n += 1  # the method itself is jitted: this runs once
                return self.n
        counter = Counter()
        fast_count = jax.jit(counter.count)
        """,
        line=6,
    ),
    Invalid(
        """
        import jax
        from jax import lax
        @jax.jit
        def run(xs):
            outs, shapes = [], []
            def body(carry, x):
                shapes.append(x.shape)  # a Python value: fine
                outs.append(x * 2)  # a tracer of the scan body leaks
                return carry + x, None
            return lax.scan(body, 0.0, xs)[0], outs
        """,
        line=8,
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def f():
            seq = [jnp.zeros([])]
            def g():
                seq[0] += 1  # remat traces g on its own
                return seq[0]
            jax.remat(g)()
            return seq[0]
        f_jit = jax.jit(f)
        """,
        line=6,
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        class Recorder:
            def __init__(self):
                self.history = []
            def step(self, x):
                y = jnp.tanh(x)
                self.history.append(y)  # a tracer kept on the object
                self.history.append("step")  # a Python value: fine
                return y
        recorder = Recorder()
        @jax.jit
        def train(x):
            return recorder.step(x)
        """,
        line=8,
    ),
    Invalid(
        """
        import jax
        class Registry:
            def __init__(self):
                self.closures = {}
        registry = Registry()
        def sketch(x):
            registry.closures["last"] = [lambda: x]
            return x
        run = jax.vmap(sketch)
        """,
        line=7,
    ),
    Invalid(
        """
        import jax
        def make(total):
            @jax.jit
            def add(x):
                total[0] += x
                return total[0]
            return add
        counter = make([0.0])  # every call of the factory passes a new list
        """,
        line=5,
        message="writes into a closed-over container",
    ),
)
