"""JL016 constant-prng-key: a PRNG key made from a constant seed inside traced code."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import BindingKind, CallSite, Scope, ScopeKind, SemanticModel
from jaxlint.model.analyze.questions import traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported, source_text
from jaxlint.rules.triggers import Trigger


def _integer_literal(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        expr = expr.expression
    return isinstance(expr, cst.Integer)


def _is_init_function(name: str) -> bool:
    """``init``, ``setup``, ``__init__``, ``init_params``, ``_init_weights``: code that
    runs once to build state, where a fixed seed is the point."""
    return name in jf.INIT_FUNCTION_NAMES or name.lstrip("_").startswith("init")


def _is_test_class(model: SemanticModel, cls: Scope) -> bool:
    """A test case: deterministic keys are what tests want."""
    if cls.name.startswith("Test") or cls.name.endswith(("Test", "Tests")):
        return True
    return any(base.endswith("TestCase") for base in model.base_names(cls))


class ConstantPrngKey(Rule):
    code = "JL016"
    name = "constant-prng-key"
    summary = "A PRNG key made from a constant seed inside traced code"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for `jax.random.PRNGKey(seed)` and `jax.random.key(seed)` whose seed is an
        integer literal or a module-level constant bound once, inside code that JAX traces
        and runs (`jit`, `vmap`, `grad`, `scan` bodies, flax module methods, ... and the
        functions they call).

        Initialisation code is left alone: functions named `init`, `setup`, `__init__`
        or `init_*`, functions and keys passed to an `init`/`initialize_*` call, code traced
        only for shapes (`jax.eval_shape`), functions without parameters (constants by design), test
        functions and test classes, and a fallback for a key
        parameter the caller left out (`if key is None: key = jax.random.PRNGKey(0)`).
        Nor is a constant key used only through `jax.random.fold_in(key, data)` with
        data that is no constant (`state.step`): each call derives its own key.
        """
    why_bad = """
        A key is a value: the same seed gives the same key, and the same key the same
        random numbers. Inside a training step or a layer, a constant key means every call
        draws the same dropout mask, the same noise, the same samples -- the randomness is
        gone, silently, and the model trains with a fixed mask.
        """
    example = """
        import jax

        @jax.jit
        def dropout(x, rate):
            key = jax.random.PRNGKey(0)
            keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
            return jax.numpy.where(keep, x / (1.0 - rate), 0.0)
        """
    use_instead = """
        import jax

        @jax.jit
        def dropout(key, x, rate):
            keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
            return jax.numpy.where(keep, x / (1.0 - rate), 0.0)

        # the caller: key, subkey = jax.random.split(key); y = dropout(subkey, x, 0.1)
        """
    fix_safety = "There is no automatic fix: the key has to come from the caller."
    valid = (
        Valid("""
            import jax
            @jax.jit
            def dropout(key, x):
                keep = jax.random.bernoulli(key, 0.9, x.shape)
                return x * keep
            """),
        Valid("""
            import jax
            def init(shape):
                key = jax.random.PRNGKey(0)  # initialisation: a fixed seed is intended
                return jax.random.normal(key, shape)
            params = jax.jit(init, static_argnums=0)((3,))
            """),
        Valid("""
            import jax
            def make_params(model, x):
                return model.init(jax.random.PRNGKey(0), x)
            shapes = jax.eval_shape(lambda x: make_params(None, x), 1.0)
            """),
        Valid("""
            import jax
            def sample(seed, shape):
                return jax.random.normal(jax.random.PRNGKey(seed), shape)  # seed varies
            sample_jit = jax.jit(sample, static_argnums=1)
            """),
        Valid("""
            import jax
            from functools import partial
            @partial(jax.jit, static_argnames=("train",))
            def forward(state, batch, train):
                # folded with the step: a new dropout key on every step
                rngs = {"dropout": jax.random.fold_in(jax.random.PRNGKey(0), state.step)}
                base = jax.random.key(1)
                noise = jax.random.normal(jax.random.fold_in(base, state.step), batch.shape)
                return state.apply_fn(state.params, batch + noise, train=train, rngs=rngs)
            """),
        Valid("""
            import jax
            def main():
                key = jax.random.PRNGKey(42)  # not traced: the usual top of a script
                return key
            """),
        Valid("""
            import jax
            import flax.linen as nn
            def build(model, x):
                return model.init(jax.random.PRNGKey(0), x)
            def create(model, x):
                return jax.jit(lambda: model.init(jax.random.key(1), x))()
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            @jax.jit
            def dropout(x):
                key = jax.random.PRNGKey(0)
                return x * jax.random.bernoulli(key, 0.9, x.shape)
            """,
            line=4,
            column=11,
            message="`jax.random.PRNGKey(0)` makes the same key on every call",
        ),
        Invalid(
            """
            import jax
            @jax.jit
            def noise(x):
                key = jax.random.fold_in(jax.random.PRNGKey(0), 3)  # folded with a constant
                return x + jax.random.normal(key, x.shape)
            """,
            message="`jax.random.PRNGKey(0)` makes the same key on every call",
        ),
        Invalid("""
            import jax
            from jax import random
            SEED = 42
            def noise(x):
                return x + random.normal(random.key(SEED), x.shape)
            def loss(x):
                return (noise(x) ** 2).sum()
            grad_loss = jax.grad(loss)
            """),
        Invalid(
            """
            import jax
            import flax.linen as nn
            class Noisy(nn.Module):
                @nn.compact
                def __call__(self, x):
                    eps = jax.random.normal(jax.random.PRNGKey(-1), x.shape)
                    return nn.Dense(4)(x + eps)
            def body(carry, x):
                return carry + jax.random.uniform(jax.random.key(7)), x
            def run(xs):
                return jax.lax.scan(body, 0.0, xs)
            """,
            count=2,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        initialisers = self.passed_to_init(model)
        yield from reported(self.check_call(model, site, initialisers) for site in model.calls)

    def passed_to_init(self, model: SemanticModel) -> set[int]:
        """Functions handed to an initialising call (``model.init(rngs, x, method=f)``,
        ``cell.initialize_carry(...)``) and the arguments of such calls
        (``model.init(jax.random.PRNGKey(0), x)``): initialisation code, by id."""
        found: set[int] = set()
        for site in model.calls:
            func = site.call.func
            called = func.attr.value if isinstance(func, cst.Attribute) else None
            if isinstance(func, cst.Name):
                called = func.value
            if called is not None and _is_init_function(called):
                for arg in site.call.args:
                    found.add(id(arg.value))
                    function = model.function_of(arg.value, site.scope)
                    if function is not None:
                        found.add(id(function))
        return found

    def check_call(
        self, model: SemanticModel, site: CallSite, initialisers: set[int]
    ) -> Diagnostic | None:
        if site.qualified_name not in jf.KEY_FROM_SEED or id(site.call) in initialisers:
            return None
        seed = next(
            (
                arg.value
                for arg in site.call.args
                if arg.keyword is None or arg.keyword.value == "seed"
            ),
            None,
        )
        if seed is None or not self.constant_seed(model, seed, site.scope):
            return None
        if self.folded_with_data(model, site):
            return None  # `fold_in(PRNGKey(0), step)`: a new key for every step
        function = site.scope.enclosing_function()
        if function is None:
            return None
        info = model.trace(function)
        if not info.traced:
            return None
        for param in function.params:
            if any(b.value is site.call for b in function.bindings.get(param, ())):
                return None  # `if key is None: key = PRNGKey(0)`: the caller's default
        if any(kind.trace_only for kind in info.direct_kinds) or all(
            kind.trace_only for kind in info.kinds
        ):
            return None  # traced only for shapes: it never runs
        if not any(name != "self" for name in function.params):
            return None  # nothing varies between calls: a constant by design
        scope: Scope | None = function
        while scope is not None and scope.kind is not ScopeKind.MODULE:
            if scope.is_function and (
                _is_init_function(scope.name)
                or scope.name.startswith("test")
                or id(scope) in initialisers
            ):
                return None
            if scope.kind is ScopeKind.CLASS and _is_test_class(model, scope):
                return None
            scope = scope.parent
        return Diagnostic(
            self.code,
            site.call,
            f"`{source_text(site.call, 40)}` makes the same key on every call "
            f"({traced_context(model, function)}): every call draws the same random numbers; "
            "take the key as an argument and split it (`jax.random.split`)",
        )

    def folded_with_data(self, model: SemanticModel, site: CallSite) -> bool:
        """Every use of the key ``site`` makes is ``jax.random.fold_in(key, data)`` with
        data that is no constant (``state.step``): each call then derives its own key,
        which is what ``fold_in`` is for. The key is given to ``fold_in`` directly, or
        bound once to a name that the function reads only there."""
        folds = [
            other
            for other in site.scope.calls
            if other.qualified_name == "jax.random.fold_in" and len(other.call.args) >= 2
        ]
        key: cst.BaseExpression = site.call
        holder = None
        for store in site.scope.bindings.values():
            if len(store) == 1 and store[0].value is site.call:
                holder = store[0].name
        if holder is not None:
            reads = [name for name in site.scope.reads if name.value == holder]
            if not reads:
                return False
            found = [f for f in folds if any(f.call.args[0].value is r for r in reads)]
            if len(found) != len(reads):
                return False
        else:
            found = [f for f in folds if f.call.args[0].value is key]
            if not found:
                return False
        return all(
            not _integer_literal(f.call.args[1].value)
            and not self.constant_seed(model, f.call.args[1].value, site.scope)
            for f in found
        )

    def constant_seed(self, model: SemanticModel, seed: cst.BaseExpression, scope: Scope) -> bool:
        """An integer literal, or a module-level name bound once to one."""
        if _integer_literal(seed):
            return True
        if not isinstance(seed, cst.Name):
            return False
        found = model.lookup(seed.value, scope)
        if found is None or found.owner is not model.module_scope or len(found.bindings) != 1:
            return False
        binding = found.bindings[0]
        return (
            binding.kind is BindingKind.ASSIGN
            and binding.value is not None
            and _integer_literal(binding.value)
        )
