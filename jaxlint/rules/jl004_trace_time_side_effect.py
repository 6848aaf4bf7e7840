"""JL004 trace-time-side-effect: printing, logging, I/O, clocks and host RNGs in traced code."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.debug_print import debug_print_of
from jaxlint.fix.edits import Applicability, Edit, Fix, Replace, ensure_import, module_import_anchor
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import (
    BindingKind,
    CallSite,
    Fact,
    Scope,
    SemanticModel,
    TransformKind,
)
from jaxlint.model.analyze.questions import traced_context
from jaxlint.rules.base import Invalid, Rule, Valid, reported
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.statements import arm_body, ends_in_raise


def _compiled_function(model: SemanticModel, scope: Scope) -> Scope | None:
    """The enclosing function when it is staged out and run compiled (not grad-only,
    not only traced for shapes by ``eval_shape``/``make_jaxpr``: given to eval_shape
    itself, its Python runs whenever that is called)."""
    function = model.staged_function(scope)
    if function is None or not model.trace(function).compiled:
        return None
    return function


def _assigned_call(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> str | None:
    """For a name every binding of which is ``name = some.call(...)``, that call's
    qualified name (``logger = logging.getLogger(...)`` gives ``logging.getLogger``)."""
    if not isinstance(expr, cst.Name):
        return None
    found = model.lookup(expr.value, scope)
    if found is None:
        return None
    names = {
        model.called_name(b.value)
        if b.kind in (BindingKind.ASSIGN, BindingKind.ANNASSIGN) and isinstance(b.value, cst.Call)
        else None
        for b in found.bindings
    }
    return names.pop() if len(names) == 1 else None


def _shown(model: SemanticModel, expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """What printing ``expr`` shows: ``repr(x)`` and ``str(x)`` show ``x``."""
    yield expr
    if isinstance(expr, cst.Call) and expr.args and model.called_name(expr) in jf.DESCRIBING_CALLS:
        yield from _shown(model, expr.args[0].value)


class TraceTimeSideEffect(Rule):
    code = "JL004"
    name = "trace-time-side-effect"
    summary = "Side effect in traced code runs once, at trace time"
    fix = "sometimes"
    triggers = frozenset({Trigger.TRACED_CODE})
    what_it_does = """
        Inside staged traced code (`jit`, `vmap`, `scan` bodies, ... and the functions they
        call, across modules), checks for Python side effects: `print`, `logging.*` calls and
        logger methods, file and process I/O (`open`, `input`, `np.load`/`np.save`,
        `pickle`, `json.load`/`json.dump`, `pathlib.Path.read_text`/`write_text`, `shutil`,
        `os.remove`, ...), `time.time()`/`perf_counter()`/..., Python's `random.*` and
        `np.random.*`, writes to `sys.stdout`/`sys.stderr`.

        A `print` or log call that shows only static facts (`x.shape`, `x.dtype`, a string
        constant) at the top level of a jitted function is the trace-time idiom ("compiling
        f for shape ...") and is not flagged; inside a `lax` control-flow body (`scan`,
        `fori_loop`, `while_loop`, `cond`, `switch` branches) it is, because the body is
        traced once (`cond` traces both branches) and the message does not show once per
        iteration or per branch taken, as it reads. Functions given to `jax.debug.callback`,
        `io_callback` or `pure_callback` run on the host and are not flagged; neither is code
        traced only by `jax.grad`/`value_and_grad`, which runs Python on every call, nor a
        `print` or log call in an arm that ends by raising: it is the message of the error
        that stops the trace, and shows with it.
        """
    why_bad = """
        A traced function's Python body runs once per compilation, with abstract tracers.
        `print(x)` shows a tracer (`JitTracer(float32[])`) once and then never again; a clock
        read or a `random.random()` draw is frozen into the compiled program as a constant, so
        every later call sees the same "time" and the same "random" number; a file write
        happens once. Nothing fails: the program is silently wrong.
        """
    example = """
        import jax

        @jax.jit
        def step(x):
            loss = (x ** 2).sum()
            print(f"loss {loss}")
            return loss
        """
    use_instead = """
        import jax

        @jax.jit
        def step(x):
            loss = (x ** 2).sum()
            jax.debug.print("loss {loss}", loss=loss)
            return loss
        """
    fix_safety = """
        `print(...)` becomes `jax.debug.print(...)`: f-strings and positional arguments turn
        into a format string with keyword arguments (`print(f"loss {loss}")` becomes
        `jax.debug.print("loss {loss}", loss=loss)`), adding `import jax` if needed. The fix is
        unsafe: it changes when and how often output appears (at every run of the compiled
        function, possibly out of order unless `ordered=True`), and values print as arrays. It
        is offered only where every printed value converts cleanly: no `file=`/`sep=`/`end=`/
        `flush=`, no `*args`, no `!r` conversions, format specs or `{x=}` in f-strings.
        Other side effects have no automatic fix: use `jax.debug.callback`, pass randomness
        in as a `jax.random` key, and measure time outside the traced function.
        """
    valid = (
        Valid("""
            import jax
            import jax.numpy as jnp
            def values(x, method):
                if method == "linear":
                    return x * 2
                elif method == "cubic":
                    return x**3
                else:
                    # the message of the error that stops the trace, shown with it
                    print(f"unknown method {method} for {x}")
                    assert False
            @jax.jit
            def render(x):
                return jnp.sum(values(x, "linear"))
            """),
        Valid("""
            import functools
            import json
            import jax
            def _read_plugins(path):
                with open(path) as f:  # reached only through a memoized function: setup
                    return json.load(f)
            @functools.lru_cache
            def backend_config():
                return _read_plugins("plugins.json")
            @jax.jit
            def step(x):
                backend_config()
                return x
            """),
        Valid("""
            import logging
            import jax
            import jax.numpy as jnp
            @jax.jit
            def init(params):
                # A tree of shapes is static: the trace-time idiom, once per compile.
                logging.info("param shapes: %s", jax.tree.map(jnp.shape, params))
                return params
            """),
        Valid("""
            import jax
            @jax.jit
            def f(x):
                print("compiling f for shape", x.shape, x.dtype)
                print(f"ndim={x.ndim}")
                jax.debug.print("x = {x}", x=x)
                return x * 2
            """),
        Valid("""
            import jax
            def loss(x):
                print("loss", x)  # grad-only: Python runs with concrete values every call
                return x ** 2
            g = jax.grad(loss)
            """),
        Valid("""
            import jax
            import time
            def log_host(x):
                print("value", x, time.time())
            @jax.jit
            def f(x):
                jax.debug.callback(log_host, x)
                return x
            """),
        Valid("""
            import random
            import numpy as np
            def make_batch(n):
                print("batch of", n)
                return np.random.normal(size=(n, 3)) * random.random()
            """),
        Valid("""
            import jax
            import logging
            logger = logging.getLogger(__name__)
            @jax.jit
            def f(x):
                logger.info("tracing f with shape %s", x.shape)
                return x
            """),
    )
    invalid = (
        Invalid(
            """
            from flax import nnx
            @nnx.jit  # nnx.jit traces like jax.jit
            def train_step(model, batch):
                loss = ((model(batch) - batch) ** 2).mean()
                print("loss", loss)
                return loss
            """,
            fixed="""
            from flax import nnx
            import jax
            @nnx.jit  # nnx.jit traces like jax.jit
            def train_step(model, batch):
                loss = ((model(batch) - batch) ** 2).mean()
                jax.debug.print("loss {loss}", loss=loss)
                return loss
            """,
            line=5,
        ),
        Invalid(
            """
            import pprint
            import jax
            @jax.jit
            def step(state):
                pprint.pprint(state)  # prints the tracers, once
                return state
            """,
            line=5,
        ),
        Invalid(
            """
            import jax
            import wandb
            @jax.jit
            def train_step(params, batch):
                loss = ((params * batch) ** 2).mean()
                wandb.log({"loss": loss})  # once, at trace time, with a tracer
                return loss
            """,
            line=6,
        ),
        Invalid(
            """
            import jax
            def branch_a():
                print("a")  # lax.switch traces every branch: all three print
            def branch_b():
                print("b")
            branches = [branch_a, branch_b]
            def run(index):
                return jax.lax.switch(index, branches)
            """,
            fixed="""
            import jax
            def branch_a():
                jax.debug.print("a")  # lax.switch traces every branch: all three print
            def branch_b():
                jax.debug.print("b")
            branches = [branch_a, branch_b]
            def run(index):
                return jax.lax.switch(index, branches)
            """,
            line=3,
            count=2,
        ),
        Invalid(
            """
            import jax
            def f(x):
                print(repr(x))  # repr of a tracer: "Traced<float32[]>"
                return x
            per_example = jax.vmap(jax.jacobian(f))
            """,
            line=3,
        ),
        Invalid(
            """
            import jax

            @jax.jit
            def step(x):
                loss = (x ** 2).sum()
                print(f"loss {loss}")
                return loss
            """,
            fixed="""
            import jax

            @jax.jit
            def step(x):
                loss = (x ** 2).sum()
                jax.debug.print("loss {loss}", loss=loss)
                return loss
            """,
        ),
        Invalid(
            """
            from jax import jit
            import jax.numpy as jnp

            @jit
            def step(params, x):
                y = jnp.tanh(params["w"] @ x)
                print("y:", y, "mean {m}", y.mean())
                return y
            """,
            fixed="""
            from jax import jit
            import jax
            import jax.numpy as jnp

            @jit
            def step(params, x):
                y = jnp.tanh(params["w"] @ x)
                jax.debug.print("y: {y} mean {{m}} {value}", y=y, value=y.mean())
                return y
            """,
        ),
        Invalid(
            """
            import jax
            def values(x, method):
                if method == "cubic":
                    print("cubic", x)  # this arm goes on: the print runs once, at trace time
                    x = x**3
                    assert x is not None
                return x
            @jax.jit
            def render(x):
                return values(x, "cubic")
            """,
            fixed="""
            import jax
            def values(x, method):
                if method == "cubic":
                    jax.debug.print("cubic {x}", x=x)  # this arm goes on: the print runs once, at trace time
                    x = x**3
                    assert x is not None
                return x
            @jax.jit
            def render(x):
                return values(x, "cubic")
            """,
            line=4,
        ),
        Invalid(
            """
            import jax
            import sys
            @jax.jit
            def step(x):
                print("x", x, file=sys.stderr)  # file=: no fix
                print(f"{x:.3f}")  # format spec: no fix
                return x
            """,
            count=2,
        ),
        Invalid(
            """
            import jax
            import time
            import random
            import numpy as np
            @jax.jit
            def noisy(x):
                start = time.time()
                x = x + random.random() + np.random.normal()
                return x, start
            """,
            count=3,
        ),
        Invalid(
            """
            import jax
            import logging
            from absl import logging as absl_logging
            log = logging.getLogger("train")
            def report(loss):
                log.info("loss %s", loss)
                absl_logging.info("loss %s", loss)
                logging.warning("loss %s", loss)
                with open("loss.txt", "a") as f:
                    f.write(str(loss))
            @jax.jit
            def step(x):
                loss = (x ** 2).sum()
                report(loss)
                return loss
            """,
            count=4,
        ),
        Invalid(
            """
            from jax import lax
            def body(carry, x):
                print(carry)
                return carry + x, carry
            def run(xs):
                return lax.scan(body, 0.0, xs)
            """,
            fixed="""
            from jax import lax
            import jax
            def body(carry, x):
                jax.debug.print("{carry}", carry=carry)
                return carry + x, carry
            def run(xs):
                return lax.scan(body, 0.0, xs)
            """,
        ),
        Invalid(
            """
            import jax
            from jax import lax
            import logging
            def clip(x):
                def big(x):
                    print("clipping")  # traced once, whichever branch runs
                    return jax.numpy.clip(x, -1.0, 1.0)
                def small(x):
                    logging.debug("no clipping needed")
                    return x
                return lax.cond(jax.numpy.abs(x).max() > 1.0, big, small, x)
            """,
            fixed="""
            import jax
            from jax import lax
            import logging
            def clip(x):
                def big(x):
                    jax.debug.print("clipping")  # traced once, whichever branch runs
                    return jax.numpy.clip(x, -1.0, 1.0)
                def small(x):
                    logging.debug("no clipping needed")
                    return x
                return lax.cond(jax.numpy.abs(x).max() > 1.0, big, small, x)
            """,
            count=2,
        ),
        Invalid(
            """
            import json
            import pathlib
            import jax
            import numpy as np
            @jax.jit
            def scale(x):
                table = np.load("table.npy")  # read once, then a constant
                config = json.load(open("config.json"))
                pathlib.Path("trace.log").write_text("scaled")
                return x * table * config["factor"]
            """,
            count=4,
        ),
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_call(model, site) for site in model.calls)

    def check_call(self, model: SemanticModel, site: CallSite) -> Diagnostic | None:
        function = _compiled_function(model, site.scope)
        if function is None:
            return None
        call = site.call
        name = site.qualified_name
        context = traced_context(model, function)
        printing = name in jf.PRINT_CALLS
        if printing or self.is_logging(model, name, call, site):
            if site.branch is not None and ends_in_raise(
                arm_body(site.branch.node, site.branch.index)
            ):
                return None  # the message of an error that stops the trace: shown with it
            static = self.shows_only_static(model, site)
            # A lax body is traced once (both branches of a cond): even a constant message
            # there does not show once per iteration or per branch taken, as it reads.
            in_body = TransformKind.LOOP in model.trace(function).kinds
            if static and not in_body:
                return None  # "compiling f for shape ...": the trace-time idiom
            what = f"`{name.rsplit('.', 1)[-1]}`" if printing and name else "Logging"
            if static:
                message = (
                    f"{what} in a `lax` control-flow body ({context}) runs once, when the "
                    "body is traced, not on every iteration or branch taken"
                )
            elif printing:
                message = (
                    f"{what} in traced code ({context}) runs once, at trace time, and shows "
                    "tracers, not values"
                )
            else:
                message = (
                    f"Logging in traced code ({context}) happens once, at trace time, with "
                    "tracers instead of values"
                )
            if printing:
                fix = self.print_fix(model, site) if name == "builtins.print" else None
                return Diagnostic(self.code, call, message + "; use `jax.debug.print`", fix)
            advice = "; use `jax.debug.print` or `jax.debug.callback`"
            return Diagnostic(self.code, call, message + advice)
        effect = jf.HOST_EFFECT_CALLS.get(name) if name else self.path_method_effect(model, site)
        if effect is not None:
            if name:
                label = name.removeprefix("builtins.")  # `open`, as written
            else:
                label = f".{site.call.func.attr.value}()"  # type: ignore[attr-defined]
            # What a read returns becomes a constant of the compiled program; a write (or
            # any other effect) simply does not happen again on later calls.
            outcome = (
                "and what it reads is frozen into the compiled function"
                if effect.startswith("reads")
                else "not on every call of the compiled function"
            )
            return Diagnostic(
                self.code,
                call,
                f"`{label}` {effect} in traced code ({context}): it happens once, at trace "
                f"time, {outcome}; do it outside the traced function or in "
                "`jax.debug.callback`",
            )
        if name is not None and name.startswith(jf.HOST_RANDOM_NAMESPACES):
            return Diagnostic(
                self.code,
                call,
                f"`{name}` in traced code ({context}) draws once, at trace time: every call "
                "of the compiled function reuses the same number; use `jax.random` with a key",
            )
        return None

    @staticmethod
    def is_logging(model: SemanticModel, name: str | None, call: cst.Call, site: CallSite) -> bool:
        """``logging.info(...)``, ``absl.logging.warning(...)``, or ``logger.info(...)`` on
        a logger from ``logging.getLogger``."""
        if name is not None:
            return name in jf.LOGGING_CALLS
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in jf.LOGGER_METHODS:
            return False
        receiver = func.value
        if isinstance(receiver, cst.Call):
            factory = model.called_name(receiver)
        else:
            factory = _assigned_call(model, receiver, site.scope)
        return factory in jf.LOGGER_FACTORIES

    @staticmethod
    def path_method_effect(model: SemanticModel, site: CallSite) -> str | None:
        """``Path(p).read_text()`` or ``path.write_text(...)`` on a ``pathlib.Path``."""
        func = site.call.func
        if not isinstance(func, cst.Attribute):
            return None
        effect = jf.PATH_EFFECT_METHODS.get(func.attr.value)
        if effect is None:
            return None
        receiver = func.value
        if isinstance(receiver, cst.Call):
            made_by = model.called_name(receiver)
        else:
            made_by = _assigned_call(model, receiver, site.scope)
        return effect if made_by in jf.PATH_CONSTRUCTORS else None

    @staticmethod
    def shows_only_static(model: SemanticModel, site: CallSite) -> bool:
        return all(
            model.traced_fact(value, site) is Fact.NO
            for arg in site.call.args
            if arg.keyword is None
            for value in _shown(model, arg.value)
        )

    def print_fix(self, model: SemanticModel, site: CallSite) -> Fix | None:
        call = site.call
        new_call = debug_print_of(call)
        if new_call is None:
            return None
        # `import jax` goes after the first module-level import that is not NumPy's.
        anchor = module_import_anchor(model, skip_modules=("numpy",))
        imports = ensure_import(model, "jax", "jax", scope=site.scope, after=anchor)
        if imports is None:
            return None  # `jax` means something else here, or nowhere to import it
        edits: tuple[Edit, ...] = (Replace(call, new_call), *imports)
        return Fix("Use `jax.debug.print`", edits, Applicability.UNSAFE)
