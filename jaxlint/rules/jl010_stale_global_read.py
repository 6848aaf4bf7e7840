"""JL010 stale-global-read: a jit-compiled function reads a module-level name the module
rebinds, and keeps the value it saw when it was traced."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from jaxlint.facts.transforms import TransformKind
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import Binding, BindingKind, Fact, Scope, ScopeKind, SemanticModel
from jaxlint.model.analyze.questions import module_code_may_run, traced_context
from jaxlint.model.records import END_OF_FILE
from jaxlint.rules.base import Invalid, Rule, Valid
from jaxlint.rules.triggers import Trigger

#: Bindings that give a module-level name a new value (not imports, defs or classes:
#: redefining a function is a different pattern, and try/except imports are fallbacks).
VALUE_BINDINGS = frozenset(
    {
        BindingKind.ASSIGN,
        BindingKind.AUGASSIGN,
        BindingKind.ANNASSIGN,
        BindingKind.UNPACK,
        BindingKind.FOR,
    }
)


def _top_level_targets(module: cst.Module) -> set[int]:
    """The name nodes bound by statements directly in the module's body or in the body
    of a loop there (not under an ``if``, ``try`` or ``with``, whose arms are
    alternatives or fallbacks): plain assignments and ``for`` loop targets."""
    found: set[int] = set()

    def names(target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            found.add(id(target))
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                names(element.value)
        elif isinstance(target, cst.StarredElement):
            names(target.value)

    def statements(body: Sequence[cst.BaseStatement]) -> None:
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign):
                        for target in small.targets:
                            names(target.target)
                    elif isinstance(small, cst.AugAssign) or (
                        isinstance(small, cst.AnnAssign) and small.value is not None
                    ):
                        names(small.target)
            elif isinstance(statement, cst.For | cst.While):
                if isinstance(statement, cst.For):
                    names(statement.target)
                # A loop body repeats: what it binds is updated, not an alternative.
                if isinstance(statement.body, cst.IndentedBlock):
                    statements(statement.body.body)

    statements(module.body)
    return found


def _definition_ordinals(model: SemanticModel) -> dict[int, int]:
    """The ordinal of each module-level binding, by the id of its node (the first binding
    where a node has several), built once per module so that looking up every jitted
    function's definition stays linear in the module's size."""
    ordinals: dict[int, int] = {}
    for bindings in model.module_scope.bindings.values():
        for binding in bindings:
            ordinals.setdefault(id(binding.node), binding.ordinal)
    return ordinals


def _definition_ordinal(ordinals: dict[int, int], function: Scope) -> int | None:
    """Where the module-level statement that defines ``function`` (or the class or
    function around it) binds its name."""
    outer = function
    while outer.parent is not None and outer.parent.kind is not ScopeKind.MODULE:
        outer = outer.parent
    return ordinals.get(id(outer.node))


class StaleGlobalRead(Rule):
    code = "JL010"
    name = "stale-global-read"
    summary = "A jit-compiled function reads a module-level name that the module rebinds"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for functions compiled by `jax.jit` (or `pmap`, `filter_jit`, ... and the
        functions they call) that read a module-level name which the module rebinds after
        the function is defined: a later top-level assignment (`g = 10.0`, also in the body
        of a module-level loop), a module-level `for` loop over it, a `global g` write in another function of the module, or,
        through the project index, an attribute write from another linted module that
        names a transformation (`import settings; settings.g = 10.0`).

        A top-level rebinding counts only when module code before it (or in a loop
        around it) may run the function, directly or through the functions, classes and
        values that reach it: before that nothing has traced it, since module code runs
        before any importer's (a notebook that rebinds `optimiser` and only then trains).
        In a notebook, which nothing imports, it counts only when cells after the
        rebinding (or a loop around it) may run the function again: a stale value that
        no later call uses is never seen. Nor does a call through a wrapper that a later
        cell builds again around a new object (`jax.jit(jax.value_and_grad(loss))`, a
        lambda), where no wrapper in the notebook compiles a function itself
        (`jax.jit(loss)`, `@jax.jit`, whose cache is the function's): it traces anew.

        Names bound once are constants and fine, and so are names bound only under an
        `if`/`try` (alternatives, not updates), imports, functions and classes.
        """
    why_bad = """
        `jit` traces the function once per input signature and caches the compiled code;
        a global read during tracing is baked in as a constant. After the module rebinds the
        name, the compiled function silently keeps computing with the old value, while the
        same code without `jit` uses the new one (the first example of JAX's Sharp Bits:
        `g = 0.; def f(x): return x + g; jit(f)(4.); g = 10.; jit(f)(4.)` still returns 4).
        """
    example = """
        import jax

        learning_rate = 0.1

        @jax.jit
        def update(w, g):
            return w - learning_rate * g

        w = update(1.0, 0.5)  # traced now, with learning_rate = 0.1
        learning_rate = 0.01  # update() keeps using 0.1
        """
    use_instead = """
        import jax

        @jax.jit
        def update(w, g, learning_rate):
            return w - learning_rate * g
        """
    fix_safety = "There is no automatic fix: which values should be arguments is a design choice."
    valid = (
        Valid("""
            import jax
            SCALE = 2.0
            @jax.jit
            def f(x):
                return x * SCALE  # bound once: a constant
            """),
        Valid("""
            import jax
            g = 0.0
            g = 1.0  # rebound before the function exists
            @jax.jit
            def f(x):
                return x + g
            """),
        Valid("""
            import jax
            try:
                import numpy as np
                HAS_NUMPY = True
            except ImportError:
                HAS_NUMPY = False
            if HAS_NUMPY:
                MODE = "np"
            else:
                MODE = "py"
            @jax.jit
            def f(x):
                return x * 2 if MODE == "np" and HAS_NUMPY else x
            """),
        Valid("""
            g = 0.0
            def f(x):
                return x + g  # not traced: reads the current value every call
            g = 10.0
            """),
        Valid("""
            import jax
            counter = 0
            def bump():
                global counter
                counter += 1
            def f(x, counter):
                return x + counter  # the parameter, not the global
            f_jit = jax.jit(f)
            """),
        Valid("""
            import jax
            BLOCK = 256
            @jax.jit
            def f(x):
                return x * BLOCK
            BLOCK = 256  # the cell re-run: the same constant, the same value
            BLOCK: int = 256
            """),
        Valid("""
            import jax
            import optax
            optimiser = optax.adam(1e-4)
            @jax.jit
            def train_step(params, opt_state, grads):
                updates, opt_state = optimiser.update(grads, opt_state)
                return optax.apply_updates(params, updates), opt_state
            def fit(params, batches):
                state = optimiser.init(params)
                for grads in batches:
                    params, state = train_step(params, state, grads)
                return params
            fit_jit = jax.jit(fit)  # wrapping runs nothing
            # Rebound before anything ran train_step: its first trace sees this one.
            optimiser = optax.adam(1e-3)
            params = fit({"w": 1.0}, [{"w": 0.1}])
            """),
        Valid("""
            import jax
            scale = 2.0
            def update(w):
                return w * scale
            train = jax.jit(update)
            def evaluate(weights):
                train = sum(weights)  # a local: not the module's `train`, runs no update
                return train
            print(evaluate([1.0, 2.0]))
            scale = 3.0  # nothing ran update before: its first trace sees this one
            """),
    )
    invalid = (
        Invalid(
            """
            import jax
            g = 0.0
            def f(x):
                return x + g
            f_jit = jax.jit(f)
            print(f_jit(1.0))  # traced here, with g = 0.0
            g = 10.0
            """,
            line=4,
            column=16,
            message="Module-level `g` is read in traced code (in f, passed to jax.jit) and rebound",
        ),
        Invalid("""
            import jax
            _scale = None
            def configure(value):
                global _scale
                _scale = value
            @jax.jit
            def apply(x):
                return x * _scale
            """),
        Invalid(
            """
            import jax
            def helper(x):
                return x * temperature
            @jax.jit
            def step(x):
                return helper(x) + offset
            temperature = 1.0
            offset = 0.0
            for temperature in (0.5, 1.0, 2.0):
                step(1.0)
            offset += 1.0
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            rng = jax.random.key(0)
            @jax.jit
            def step(x):
                return x + jax.random.normal(rng)
            for i in range(3):
                rng, sub = jax.random.split(rng)  # each pass rebinds what step read once
                step(1.0)
            """,
            line=5,
            message="Module-level `rng` is read in traced code (in step, decorated with "
            "@jax.jit) and rebound at line 8:",
        ),
        Invalid(
            """
            import jax
            BLOCK = 256
            @jax.jit
            def f(x):
                return x * BLOCK
            BLOCK = 256
            y = f(1.0)
            BLOCK = 256.0
            """,
            message="Module-level `BLOCK` is read in traced code (in f, decorated with "
            "@jax.jit) and rebound at line 9:",
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        top_level = _top_level_targets(model.module)
        ordinals: dict[int, int] | None = None
        for function in model.functions:
            info = model.trace(function)
            if not info.compiled or TransformKind.JIT not in info.kinds:
                continue
            if ordinals is None:
                ordinals = _definition_ordinals(model)
            defined = _definition_ordinal(ordinals, function)
            if defined is None:
                continue
            seen: set[str] = set()
            for node in function.reads:
                name = node.value
                if name in seen or name.startswith("__") or name in function.globals:
                    continue  # written here too (`global g`): JL002 reports that write
                seen.add(name)
                found = model.lookup(name, function)
                if found is None or found.owner is not model.module_scope:
                    continue
                rebinding = self.rebinding(model, found.bindings, defined, function, top_level)
                if rebinding is not None:
                    where = model.line_name(rebinding.node)
                elif name in model.external_rebound and self.plain_value(found.bindings):
                    where = model.external_rebound[name]
                else:
                    continue
                yield Diagnostic(
                    self.code,
                    node,
                    f"Module-level `{name}` is read in traced code "
                    f"({traced_context(model, function)}) and rebound at {where}: the "
                    "compiled function keeps the value it saw when traced; pass it as an "
                    "argument, or mark it static",
                )

    @staticmethod
    def plain_value(bindings: list[Binding]) -> bool:
        """Bound to values only (not also an import, a def or a class)."""
        return all(b.kind in VALUE_BINDINGS for b in bindings if not b.in_handler)

    def rebinding(
        self,
        model: SemanticModel,
        bindings: list[Binding],
        defined: int,
        function: Scope,
        top_level: set[int],
    ) -> Binding | None:
        """The binding that makes a read of the name stale, if one does."""
        if not self.plain_value(bindings):
            return None  # also an import, a def or a class: not a plain value
        at_top = [
            b for b in bindings if id(b.node) in top_level and b.code_scope.kind is ScopeKind.MODULE
        ]
        # A rebinding to the constant the name always had (a notebook's `BLOCK = 256`
        # re-run in a later cell) leaves the traced value current.
        changing = [b for b in bindings if model.keeps_value(b) is not Fact.YES]
        for binding in changing:
            writer = binding.code_scope
            if writer.is_function and writer is not function:
                return binding  # a `global` write in another function
        later = [b for b in at_top if b.ordinal > defined and b in changing]
        if not later:
            return None
        if len(at_top) < 2 and not any(b.kind is BindingKind.FOR for b in later):
            return None
        # Stale only once traced: module code between the definition and the rebinding
        # (or in a loop around the rebinding) must be able to run the function. Module
        # code runs before any importer's, so nothing else can have traced it yet.
        for binding in later:
            loop = binding.loop
            while loop is not None and loop.parent is not None:
                loop = loop.parent
            if not module_code_may_run(model, function, defined, binding.ordinal, loop):
                continue
            # A notebook has no importers: only its own later cells can call the
            # function with the stale value, and not through a wrapper they build anew.
            if model.cell_of is None or module_code_may_run(
                model, function, binding.ordinal, END_OF_FILE, loop, traced_before=True
            ):
                return binding
        return None
