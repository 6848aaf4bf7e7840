"""JL003 jit-in-loop: ``jax.jit(...)`` built inside a loop or comprehension."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Applicability, Edit, Fix, InsertBefore, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    BindingKind,
    CallSite,
    Loop,
    LoopKind,
    ScopeKind,
    SemanticModel,
    Site,
)
from jaxlint.model.analyze.questions import literal_collection, runs_once_in_loop
from jaxlint.rules.base import Invalid, Rule, Valid, source_text
from jaxlint.rules.jl003_examples import MORE_INVALID, MORE_VALID
from jaxlint.rules.jl003_per_call import loaded_names, runs_here, varies_per_call
from jaxlint.rules.jl003_sweeps import built_from_iteration, compiled_per_setting, written_out
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.blocks import FreshNames, path_to, statement_in_block

_MEMO_METHODS = frozenset({"append", "setdefault", "extend", "insert", "add"})


def _outermost(loop: Loop) -> Loop:
    while loop.parent is not None:
        loop = loop.parent
    return loop


class JitInLoop(Rule):
    code = "JL003"
    name = "jit-in-loop"
    summary = "`jax.jit`/`jax.pmap` built inside a loop"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Checks for `jax.jit(...)`, `jax.pmap(...)`, `equinox.filter_jit(...)` and their aliases
        (including `partial(jax.jit, ...)` and `@jax.jit` on a `def`) evaluated inside a `for`
        or `while` body or a comprehension, including `jax.jit(f)(x)` applied at once; and
        for a function that builds and calls such a wrapper of a new object (a lambda, a
        `partial`, a `grad` wrapper, a function defined in it) on every call, a call of it
        inside a loop.
        """
    why_bad = """
        `jax.jit` caches compiled code per wrapped function object. Wrapping a lambda, a
        `functools.partial`, a bound method, a `grad`/`vmap` wrapper or a function defined in
        the loop creates a new object every iteration, so JAX traces and compiles again every
        time: the loop runs at compile speed.

        Wrapping the same function object every iteration (`jax.jit(loss_fn)(x)` in a loop)
        only re-wraps it: the compilation cache hits. That costs microseconds, not a compile,
        and is JL009 (off by default). Building a table of compiled functions in a loop
        (`{k: jax.jit(make(k)) for k in kinds}`, `fns.append(jax.jit(partial(f, d=d)))`)
        compiles each one once and is not flagged, nor is a sweep over settings written out
        in the code (`for n in [1, 5, 10]`, or a name bound only to such a display), each a
        program that compiles once anyway, nor wrapping each iterated object's own method
        (`for t in testers: jax.pmap(t.init)`), nor a function a factory builds from the
        loop variable (`for m in molecules: jax.jit(make_orbitals(m))`), nor a `partial` or
        lambda binding what the iteration changes and run more than once in it (a warm-up,
        then timed repeats): there is no one function to build outside the loop.
        """
    example = """
        import jax

        for batch in batches:
            loss = jax.jit(lambda p: loss_fn(p, batch))(params)
        """
    use_instead = """
        import jax

        loss_jit = jax.jit(loss_fn)
        for batch in batches:
            loss = loss_jit(params, batch)
        """
    fix = "sometimes"
    fix_safety = """
        The fix builds the wrapper once, just before the outermost loop around it (before
        the statement that holds a comprehension), and the loop uses it:
        `predict_jit = jax.jit(model.predict)`. A wrapper assigned alone on its line
        (`g = jax.jit(...)`, the only binding of `g`) keeps its name and moves; otherwise
        the new name is one the file does not use. The fix is offered only where
        everything the wrapper reads, its lambda's body included, is the same on every
        iteration: no name it reads is bound in the loop, or from another function
        (`global`, `nonlocal`) or another file. A lambda over the loop variable
        (`lambda p: loss(p, batch)`), a `partial` of it, or a function defined in the
        loop has no fix: each iteration really is another program, and the fix is to pass
        the varying value as an argument, which only you can do.

        The fix is unsafe: the wrapped function is traced once instead of every
        iteration, so its trace-time side effects (a `print`) run once, Python state it
        reads at trace time (a list mutated in the loop, an attribute reassigned) is read
        once, and an attribute it wraps (`self.step`) is read once, before the loop. The
        wrapper is also built when the loop runs no iteration.
        """
    valid = (
        Valid("""
            import jax
            step = jax.jit(lambda x: x + 1)
            for i in range(10):
                y = step(i)
            """),
        Valid("""
            import jax
            compiled = {}
            for name, fn in [("a", abs), ("b", round)]:
                compiled[name] = jax.jit(fn)
            """),
        Valid("""
            import jax
            def make():
                return jax.jit(lambda x: x)
            for i in range(3):
                pass
            """),
        Valid("""
            from functools import partial
            import jax
            def make(kind):
                return lambda x: x * kind
            def scale(x, factor):
                return x * factor
            # Tables of compiled functions: each is built once and stored for later calls.
            by_kind = {kind: jax.jit(make(kind)) for kind in range(4)}
            scalers = []
            for factor in range(4):
                scalers.append(jax.jit(partial(scale, factor=factor)))
            """),
        Valid("""
            from functools import partial
            import jax
            def run(step, chunk, testers, kinds, params):
                sizes = [1, 5, 10]  # a sweep written out: each setting compiles once anyway
                for size in sizes:
                    keep(jax.jit(partial(step, size=size)))
                for window in [None, chunk, 2 * chunk]:
                    jax.jit(lambda x: x[:window])(params)
                for name, init in zip(("speaker", "listener"), kinds):
                    jax.pmap(partial(init, mode=name))(params)
                for tester in testers:  # each tester's own init: a different function
                    jax.pmap(tester.init)(params)
            """),
        Valid("""
            import jax
            def loss(x):
                return x * 2
            # The same function object every iteration: a re-wrap (JL009), not a recompile.
            for x in range(3):
                jax.jit(loss)(x)
            """),
        Valid("""
            from functools import partial
            import jax
            def train(update, model, batches, sizes):
                # Guards the arm turns off: each wrapper is built again only when other
                # code re-arms its guard (`need_compile`), not every iteration.
                predict, need_compile, pmapped = None, True, False
                for step, batch in enumerate(batches):
                    if predict is None:
                        predict = jax.jit(model.predict)
                    if step in sizes:
                        need_compile = True
                    if need_compile:
                        update_jit = jax.jit(partial(update, size=step))
                        need_compile = False
                    if step > 100 and not pmapped:
                        p_update = jax.pmap(partial(update, size=0))
                        pmapped = True
                    if batch is None:
                        # Built just before the loop is left: once.
                        return jax.jit(lambda x: x * step)(0.0)
            """),
    ) + MORE_VALID
    invalid = (
        Invalid(
            """
            import jax
            class Model:
                def predict(self, x):
                    return x * 2
            def evaluate(model: Model, batches):
                return [jax.jit(model.predict)(b) for b in batches]  # a new bound method each time
            """,
            fixed="""
            import jax
            class Model:
                def predict(self, x):
                    return x * 2
            def evaluate(model: Model, batches):
                predict_jit = jax.jit(model.predict)
                return [predict_jit(b) for b in batches]  # a new bound method each time
            """,
            line=6,
        ),
        Invalid("""
            import jax
            for batch in range(10):
                out = jax.jit(lambda x: x * batch)(1.0)
            """),
        Invalid("""
            from functools import partial
            from jax import jit
            def loss(p, scale):
                return p * scale
            outs = [jit(partial(loss, scale=s))(1.0) for s in range(3)]
            """),
        Invalid(
            """
            import jax
            class Trainer:
                def step(self, x):
                    return x
                def run(self, xs):
                    for x in xs:
                        jax.jit(self.step)(x)  # a new bound method every iteration
            """,
            fixed="""
            import jax
            class Trainer:
                def step(self, x):
                    return x
                def run(self, xs):
                    step_jit = jax.jit(self.step)
                    for x in xs:
                        step_jit(x)  # a new bound method every iteration
            """,
        ),
        Invalid(
            """
            import jax
            def run(batches, loss, params):
                fn = None
                for batch in batches:
                    if fn is None:  # re-armed below on every iteration
                        fn = jax.jit(lambda p: loss(p, batch))
                    fn(params)
                    fn = None
            """,
            line=6,
        ),
        Invalid(
            """
            import jax
            while True:
                @jax.jit
                def step(x):
                    return x
                break
            """,
            line=3,
            column=6,
            message="`@jax.jit` on a function defined inside a `while` loop",
        ),
    ) + MORE_INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        hoists = Hoists(model)
        for site, name, cause in self.built_in_loops(model):
            if cause:
                where = site.loop.describe()  # type: ignore[union-attr]
                yield Diagnostic(
                    self.code,
                    site.call,
                    f"`{name}` inside a {where} wraps {cause}, so it traces and compiles "
                    "again every iteration; build it once, outside the loop",
                    hoists.fix(site, recompiles=True),
                )
        yield from self.built_per_call(model)
        for site in model.decorated_defs:
            if site.loop is None:
                continue
            node: cst.FunctionDef = site.node  # type: ignore[assignment]
            for decorator in node.decorators:
                name = self.compiling_name(model, decorator.decorator, site)
                if name is not None:
                    yield Diagnostic(
                        self.code,
                        decorator.decorator,
                        f"`@{name}` on a function defined inside a {site.loop.describe()}: "
                        "a new function every iteration, so it recompiles every iteration; "
                        "define and jit it once, outside the loop",
                    )

    def built_in_loops(self, model: SemanticModel) -> Iterator[tuple[CallSite, str, str]]:
        """Compiling transformations applied inside a loop and not exempt: the call, the
        transformation's name, and why what it wraps recompiles ("" when it is the same
        function object every iteration, which only re-wraps: JL009's case)."""
        for site in model.calls:
            if site.loop is None:
                continue
            name = self.compiling_transform(model, site)
            if name is None:
                continue
            wrapped = self.wrapped_function(site.call)
            if wrapped is None:
                continue
            cause = self.recompile_cause(model, site, wrapped)
            if not self.exempt(model, site, wrapped, cause):
                yield site, name, cause

    def built_per_call(self, model: SemanticModel) -> Iterator[Diagnostic]:
        """A host function that builds and runs a wrapper of a new object on every call
        (``jax.jit(jax.grad(loss))(p)``, no branch around it), called in a loop: each
        iteration compiles again, as if the wrapper were built in the loop itself."""
        for site in model.calls:
            function = site.scope.enclosing_function()
            if site.loop is not None or site.branch is not None or function is not site.scope:
                continue
            name = self.compiling_transform(model, site)
            wrapped = self.wrapped_function(site.call) if name is not None else None
            if wrapped is None or model.trace(function).traced or not runs_here(site):
                continue
            cause = self.recompile_cause(model, site, wrapped)
            if not cause and isinstance(wrapped, cst.Name):
                found = model.lookup(wrapped.value, site.scope)
                if found is not None and found.owner is function:
                    if all(binding.kind is BindingKind.DEF for binding in found.bindings):
                        cause = "a function defined in it"
            if cause and varies_per_call(model, function, wrapped):
                continue  # each call is another program: nothing to build once
            for caller in model.calls_reaching(function) if cause else ():
                where = caller.scope.enclosing_function()
                loop = caller.loop
                if loop is None or (where is not None and model.trace(where).traced):
                    continue
                if loop.kind is LoopKind.FOR and literal_collection(loop.node.iter):  # type: ignore[attr-defined]
                    continue  # a sweep over a few settings
                if runs_once_in_loop(model, caller):
                    continue
                if caller.branch is not None and loop.contains(caller.branch.ordinal):
                    continue  # not every iteration (`if step % epoch == 0:`)
                yield Diagnostic(
                    self.code,
                    site.call,
                    f"`{name}` in `{function.qualname}` wraps {cause} on every call, and "
                    f"`{function.qualname}` is called inside a {loop.describe()} "
                    f"({model.line_name(caller.call)}), so it traces and compiles again "
                    "every iteration; build it once, outside the function",
                )
                break

    @staticmethod
    def compiling_name(model: SemanticModel, expr: cst.BaseExpression, site: Site) -> str | None:
        """The name of a compiling transformation that ``expr`` is, or configures."""
        found = model.transform_of(expr, site.scope)
        if found is None or not found[1].compiles:
            return None
        return found[0]

    def compiling_transform(self, model: SemanticModel, site: CallSite) -> str | None:
        transform = jf.TRANSFORMS.get(site.qualified_name or "")
        if transform is not None and transform.compiles:
            return site.qualified_name
        # partial(jax.jit, ...)(f) or jax.jit(static_argnums=...)(f); not jax.jit(f)(x),
        # which is the inner call's finding.
        inner = site.call.func
        if isinstance(inner, cst.Call) and not any(arg.keyword is None for arg in inner.args[1:]):
            is_partial = model.called_name(inner) == "functools.partial"
            if is_partial or not any(arg.keyword is None for arg in inner.args):
                return self.compiling_name(model, inner, site)
        return None

    @staticmethod
    def wrapped_function(call: cst.Call) -> cst.BaseExpression | None:
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if positional:
            return positional[0].value
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("fun", "f"):
                return arg.value
        return None

    def exempt(
        self, model: SemanticModel, site: Site, wrapped: cst.BaseExpression, cause: str
    ) -> bool:
        loop = site.loop
        # A sweep over a few settings written out in the code (`for n in [1, 2]`): each
        # a different program that must compile once anyway. Where a new function is
        # built every iteration, also through a name bound only to a display (`for w in
        # windows` with `windows = [None, chunk, 2 * chunk]`) or `zip` of one.
        if loop is not None and loop.kind is LoopKind.FOR:
            iterable = loop.node.iter  # type: ignore[attr-defined]
            if literal_collection(iterable) or (cause and written_out(model, iterable, site)):
                return True
        # Iterating over functions, or over objects whose method is wrapped (`for tester
        # in testers: jax.pmap(tester.init)`): each is compiled once, which is the point.
        root = wrapped
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):
            current: Loop | None = loop
            while current is not None:
                if root.value in current.targets:
                    return True
                current = current.parent
        # A factory's function built from the loop variable: another program each time.
        if cause and built_from_iteration(model, site, wrapped):
            return True
        if cause and compiled_per_setting(model, site, wrapped):
            return True  # a program per setting, compiled once, run several times
        # Built once and again only when re-armed (`if fn is None: fn = jax.jit(...)`), or
        # just before leaving the loop: not every iteration.
        if runs_once_in_loop(model, site):
            return True
        # Building a table of compiled functions (memoization) is not re-wrapping.
        return self.stored_in_container(model, site)

    def stored_in_container(self, model: SemanticModel, site: Site) -> bool:
        loop = site.loop
        if loop is not None and loop.kind is LoopKind.COMPREHENSION:
            # [jax.jit(f) for f in fns], {k: jax.jit(make(k)) for k in kinds}: a table of
            # compiled functions, each built once.
            element = getattr(loop.node, "elt", None) or getattr(loop.node, "value", None)
            if element is site.node and not isinstance(loop.node, cst.GeneratorExp):
                return True
        for store in model.subscript_stores:
            statement = store.statement
            if store.scope is site.scope and isinstance(statement, cst.Assign):
                if statement.value is site.node:
                    return True
        for other in model.calls:
            call = other.call
            if (
                other.scope is site.scope
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in _MEMO_METHODS
                and any(arg.value is site.node for arg in call.args)
            ):
                return True
        return False

    def recompile_cause(self, model: SemanticModel, site: Site, wrapped: cst.BaseExpression) -> str:
        if isinstance(wrapped, cst.Lambda):
            return "a new lambda"
        if isinstance(wrapped, cst.Call):
            callee = model.called_name(wrapped) or ""
            if callee == "functools.partial":
                return "a new `functools.partial`"
            if callee in jf.TRANSFORMS:
                return f"a new `{callee}` wrapper"
            return "a function built by a call"
        if (
            isinstance(wrapped, cst.Attribute)
            and model.function_of(wrapped, site.scope)
            and model.class_named(wrapped.value, site.scope) is None  # Cls.f: a plain function
        ):
            return "a new bound method"
        if isinstance(wrapped, cst.Name):
            found = model.lookup(wrapped.value, site.scope)
            loop = site.loop
            if found is not None and loop is not None:
                if any(loop.contains(binding.ordinal) for binding in found.bindings):
                    return "a function defined in the loop"
        return ""


class Hoists:
    """The fixes that build a loop's ``jax.jit(f)`` once, before the loop, for one file:
    the same wrapper hoisted before the same loop twice gets one name."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.names = FreshNames(model.module)
        self.given: dict[tuple[int, str], str] = {}  # (loop statement, wrapper code) -> name

    def fix(self, site: CallSite, *, recompiles: bool) -> Fix | None:
        """Hoist ``site`` (``jax.jit(f, ...)`` built in a loop) before the outermost loop
        around it, where everything it reads is the same on every iteration. Unsafe
        where it ``recompiles`` (the wrapped function is then traced once, not every
        iteration) or where hoisting could fail when the loop never runs."""
        call = site.call
        transform = jf.TRANSFORMS.get(site.qualified_name or "")
        scope, loop = site.scope, site.loop
        if transform is None or loop is None:
            return None  # `partial(jax.jit, ...)(f)`: no fix
        if scope.kind not in (ScopeKind.MODULE, ScopeKind.FUNCTION):
            return None
        outer = _outermost(loop)
        anchor: cst.CSTNode = outer.node
        if outer.kind is LoopKind.COMPREHENSION:
            path = path_to(scope.node, outer.node)
            placed = statement_in_block(path) if path is not None else None
            if placed is None:
                return None
            anchor = placed[0]
        if not isinstance(anchor, cst.BaseStatement):
            return None
        if not all(self.invariant(name, site, outer) for name in loaded_names(call)):
            return None
        safe = not recompiles and self.surely_builds(site, outer)
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        code = source_text(call)
        reused = self.assigned_once(site)
        if reused is not None:
            statement, name = reused
            hoisted = cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(name))], call.deep_clone())]
            )
            edits: tuple[Edit, ...] = (
                InsertBefore(anchor, hoisted),
                Replace(statement, cst.RemoveFromParent()),
            )
        else:
            key = (id(anchor), code)
            name = self.given.get(key) or self.names.fresh(self.base_name(site))
            self.given[key] = name
            hoisted = cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(name))], call.deep_clone())]
            )
            edits = (InsertBefore(anchor, hoisted), Replace(call, cst.Name(name)))
        where = outer.describe()
        title = f"Build it once, before the {where}: `{name} = {source_text(call, 50)}`"
        return Fix(title, edits, applicability)

    def invariant(self, name: str, site: CallSite, outer: Loop) -> bool:
        """``name`` holds the same value on every iteration of ``outer``, and the value it
        holds just before the loop: no binding in the loop, none from another scope
        (``global``/``nonlocal``), none from another file."""
        found = self.model.lookup(name, site.scope)
        if found is None:
            return True  # a builtin
        owner, bindings = found
        if any(binding.code_scope is not owner for binding in bindings):
            return False
        if owner is self.model.module_scope and name in self.model.external_rebound:
            return False
        return owner is not site.scope or not any(outer.contains(b.ordinal) for b in bindings)

    def surely_builds(self, site: CallSite, outer: Loop) -> bool:
        """Building the wrapper before the loop cannot fail where the loop never runs:
        ``jax.jit(f)`` without options (which jit checks against ``f``'s signature), of
        a function defined once, unconditionally, before the loop, by a transformation
        imported once."""
        model, call = self.model, site.call
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return False
        wrapped = call.args[0].value
        root = call.func
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(wrapped, cst.Name) or not isinstance(root, cst.Name):
            return False
        for name, kinds in (
            (wrapped.value, (BindingKind.DEF,)),
            (root.value, (BindingKind.IMPORT,)),
        ):
            found = model.lookup(name, site.scope)
            if found is None or len(found.bindings) != 1:
                return False
            (binding,) = found.bindings
            if binding.kind not in kinds or binding.branch is not None or binding.in_handler:
                return False
            if binding.loop is not None or binding.ordinal >= outer.start:
                return False
        return True

    def assigned_once(self, site: CallSite) -> tuple[cst.SimpleStatementLine, str] | None:
        """``g = jax.jit(f)``, alone on its line in the loop, the only binding of ``g``:
        the hoisted wrapper keeps the name ``g``."""
        path = path_to(site.scope.node, site.call)
        if path is None or len(path) < 4:
            return None
        assign, line, block = path[-2], path[-3], path[-4]
        if not (
            isinstance(assign, cst.Assign)
            and assign.value is site.call
            and isinstance(line, cst.SimpleStatementLine)
            and isinstance(block, cst.IndentedBlock)
            and len(line.body) == 1
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
        ):
            return None
        name = assign.targets[0].target.value
        found = self.model.lookup(name, site.scope)
        if found is None or found.owner is not site.scope or len(found.bindings) != 1:
            return None
        if found.bindings[0].code_scope is not site.scope:
            return None
        return line, name

    @staticmethod
    def base_name(site: CallSite) -> str:
        """``loss_jit`` for ``jax.jit(loss)``, ``predict_pmap`` for ``jax.pmap(m.predict)``."""
        transform = (site.qualified_name or "jit").rsplit(".", 1)[-1].removeprefix("filter_")
        wrapped = JitInLoop.wrapped_function(site.call)
        if isinstance(wrapped, cst.Call) and wrapped.args:
            wrapped = wrapped.args[0].value  # partial(loss, ...), jax.vmap(loss)
        if isinstance(wrapped, cst.Attribute):
            wrapped = wrapped.attr
        stem = wrapped.value if isinstance(wrapped, cst.Name) else "fn"
        return f"{stem}_{transform}"
