"""JL015's examples, Valid and Invalid, kept apart so the rule module stays small."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid

VALID = (
    Valid("""
        import jax
        import jax.numpy as jnp
        from jax import lax
        scale = jax.jit(lambda x: x * 2.0, donate_argnums=0)
        def body(carry, _):
            doubled = scale(carry)  # staged into the loop's jaxpr: nothing is donated
            return carry + doubled, None
        total, _ = lax.scan(body, jnp.ones(3), None, length=4)
        """),
    Valid("""
        import jax
        _update = jax.jit(lambda w, g: w - g, donate_argnums=0)
        _copy = jax.jit(lambda w, g: w - g)
        def apply(weights, grads, in_place=True):
            if in_place:
                return _update(weights, grads)
            return _copy(weights, grads)
        def train(weights, grads):
            new = apply(weights, grads, in_place=False)  # the donating path not taken
            weights = apply(weights, new)  # rebound from the result
            return new, weights
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        step = jax.jit(lambda s, b: s + b, donate_argnums=0)
        state = jnp.zeros(3)
        for batch in jnp.ones((4, 3)):  # a script that rebinds what it donates
            state = step(state, batch)
        if state.sum() > 0:
            state = step(state, state.shape[0])
        print(state)
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, donate_argnums=(0, 1))
        def eval_step(state, batch):
            return state, batch["x"].sum()
        def evaluate(state, it, tasks):
            def next_batch(step):
                return next(it), tasks[step]
            for step in range(10):
                batch = next(it)  # maybe a NumPy batch: only its device copy is donated
                state, out = eval_step(state, batch)
                log(out, batch["label"])
                batch, task = next_batch(step)
                state, out = eval_step(state, batch)
                log(out, batch["label"], task)
            return state
        """),
    Valid("""
        from functools import partial
        import jax
        @partial(jax.jit, donate_argnums=0)
        def step(state, batch):
            return state + batch
        def train(state, batches):
            for batch in batches:
                state = step(state, batch)
            return state
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch, batch.sum()
        step_jit = jax.jit(step, donate_argnames="state")
        def train(state, batch):
            state, loss = step_jit(state, batch)
            print(state.shape, batch.sum())  # batch is not donated
            return state, loss
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch
        step_jit = jax.jit(step)  # nothing donated
        def train(state, batch):
            new_state = step_jit(state, batch)
            return new_state, state
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch
        step_jit = jax.jit(step, donate_argnums=0)
        def train(state, batch):
            new = step_jit(state, batch)
            shape = state.shape  # metadata survives donation
            state = new
            return state, shape
        """),
    Valid("""
        import jax
        def step(params, grads):
            return params - grads
        step_jit = jax.jit(step, donate_argnums=0)
        def train(params, grads):
            updated = step_jit(params, grads)
            print(params.itemsize, params.weak_type)  # metadata, like `.shape`
            if not params.is_deleted():
                params.delete()
            return updated
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch["x"]
        step_jit = jax.jit(step, donate_argnums=(0, 1))
        def train(state, batch):
            state = step_jit(state, batch)
            jax.tree_util.tree_map(lambda leaf: leaf.delete(), batch)  # no value read
            return state
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch["inputs"]["rgb"]
        step_jit = jax.jit(step, donate_argnums=(0, 1))
        def train(state, batch):
            state = step_jit(state, batch)
            for name in batch["inputs"].keys():  # the dict's keys, not its arrays
                print(name, batch["inputs"][name].shape)
            return state
        """),
    Valid("""
        import jax
        def step(state, batch):
            return state + batch
        def make(donate):
            return jax.jit(step, donate_argnums=donate)  # unknown positions
        """),
    Valid("""
        import jax
        import jax.numpy as jnp
        def step(state, batch):
            return state + batch
        state = jnp.ones(3)
        step(state, state)  # runs before the rebinding: the plain function
        print(state)
        step = jax.jit(step, donate_argnums=0)
        def train(state, batch):
            state = step(state, batch)
            return state
        """),
    # A NumPy array given twice: each argument gets its own device copy.
    Valid("""
        import jax
        import numpy as np
        shift = jax.jit(lambda base, other: base + other, donate_argnums=0)
        def render(steps):
            grid = np.linspace(0.0, 1.0, steps)
            return shift(grid, grid)
        """),
)
INVALID = (
    Invalid(
        """
        from functools import partial
        import jax
        @partial(jax.jit, donate_argnums=0)
        def update(params, grads):
            return params - 0.1 * grads
        def train(params, grads):
            new_params = update(params, grads)
            return new_params, params
        """,
        line=8,
        column=24,
        message="`params` was donated to `update` at line",
    ),
    Invalid("""
        import jax
        def step(state, batch):
            return state + batch
        step_jit = jax.jit(step, donate_argnames=("state",))
        def train(state, batches):
            for batch in batches:
                out = step_jit(state, batch)  # the next iteration donates it again
            return out
        """),
    Invalid("""
        import jax
        def step(state, batch):
            return state + batch
        step_jit = jax.jit(step, donate_argnums=(0,))
        def evaluate(state, batch):
            new = step_jit(state=state, batch=batch)
            reference = jax.numpy.sum(state)
            return new, reference
        """),
    # ``0x0`` is argument 0, as Python reads it.
    Invalid(
        """
        import jax
        step_jit = jax.jit(lambda s, b: s + b, donate_argnums=0x0)
        def train(state, batch):
            new_state = step_jit(state, batch)
            return new_state, state
        """,
        line=5,
        column=23,
        message="`state` was donated to `step_jit`",
    ),
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        def init(params):
            return {"z": params, "count": jnp.zeros([], jnp.int32)}
        step = jax.jit(lambda p, s: (p, s), donate_argnums=(0, 1))
        def train():
            params = jnp.ones(4)
            state = init(params)  # holds params itself
            return step(params, state)
        """,
        line=9,
        message="`params` is donated twice to `step`: `state` holds the same array",
    ),
    Invalid(
        """
        import jax
        def step(state, batch):
            return state + batch
        step = jax.jit(step, donate_argnums=0)  # decorating by rebinding
        def train(state, batch):
            step(state, batch)
            return state
        """,
        line=7,
        message="`state` was donated to `step` at line",
    ),
    Invalid(
        """
        import jax
        def step(state, batch):
            return state + batch
        def train(state, batch):
            new = jax.jit(step, donate_argnums=0)(state, batch)  # made and called
            return new + state
        """,
        line=6,
        message="`state` was donated to `step`",
    ),
    # A script's own statements donate as a function's do.
    Invalid(
        """
        from functools import partial
        import jax
        import jax.numpy as jnp
        @partial(jax.jit, donate_argnames="weights")
        def scale(weights, factor):
            return weights * factor
        weights = jnp.ones(8)
        doubled = scale(weights, 2.0)
        print(weights.sum())
        """,
        line=9,
        column=7,
        message="`weights` was donated to `scale` at line",
    ),
    # A host function that passes its parameter on to a donating jit donates it.
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        _update = jax.jit(lambda w, g: w - g, donate_argnums=0)
        def apply(weights, grads):
            checked = jnp.nan_to_num(grads)
            return _update(weights, checked)
        def train(weights, grads):
            new = apply(weights, grads)
            return new, weights.sum()
        """,
        line=9,
        message="`weights` was donated to `apply` at line",
    ),
    # A JAX array donated and given again in the same call, here inside a tuple.
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        shift = jax.jit(lambda base, pair: base + pair[0] * pair[1], donate_argnames="base")
        def render(steps):
            grid = jnp.linspace(0.0, 1.0, steps)
            return shift(base=grid, pair=(grid, 2.0))
        """,
        line=6,
        message="`grid` is donated to `shift` and passed again in the same call",
    ),
)
