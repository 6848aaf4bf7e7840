"""JL004 trace-time-side-effect: printing, logging, I/O, clocks and host RNGs in traced code."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint.findings import Diagnostic
from jaxlint.fixes import Applicability, Edit, Fix, Replace, ensure_import, module_import_anchor
from jaxlint.model import Scope, SemanticModel, Site, dotted
from jaxlint.rules.base import Invalid, Rule, Valid

#: Keyword names ``jax.debug.print`` takes itself: never usable for a printed value.
_RESERVED_KEYWORDS = frozenset({"fmt", "ordered", "partitioned"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _compiled_function(scope: Scope) -> Scope | None:
    """The enclosing function when it is staged out and run compiled (not grad-only,
    not only traced for shapes by ``eval_shape``/``make_jaxpr``)."""
    function = scope.staged_function()
    if function is None:
        return None
    if function.transform_kinds <= jf.UNSTAGED_KINDS | jf.TRACE_ONLY_KINDS:
        return None
    if function.direct_kinds & jf.TRACE_ONLY_KINDS:
        return None  # given to eval_shape itself: its Python runs whenever that is called
    return function


def _string_literal(value: str) -> str:
    """A double-quoted Python literal for ``value``."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _keyword_for(expr: cst.BaseExpression, taken: dict[str, str], code: str) -> str:
    """A keyword name for a printed expression: its own name where it has one."""
    base = (dotted(expr) or "").replace(".", "_") or "value"
    if not _IDENTIFIER.match(base) or base in _RESERVED_KEYWORDS:
        base = "value"
    name, number = base, 1
    while name in taken and taken[name] != code:
        number += 1
        name = f"{base}{number}"
    taken[name] = code
    return name


class _PrintConversion:
    """``print(...)`` arguments as a ``jax.debug.print`` format string and keywords."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.keywords: dict[str, cst.BaseExpression] = {}
        self.taken: dict[str, str] = {}

    def placeholder(self, expr: cst.BaseExpression) -> str:
        code = cst.Module(body=[]).code_for_node(expr)
        name = _keyword_for(expr, self.taken, code)
        self.keywords.setdefault(name, expr)
        return "{" + name + "}"

    def add(self, value: cst.BaseExpression) -> bool:
        """Convert one positional argument of ``print``; False where it is not clean."""
        if isinstance(value, cst.SimpleString):
            text = value.evaluated_value
            if not isinstance(text, str):
                return False
            self.pieces.append(text.replace("{", "{{").replace("}", "}}"))
            return True
        if isinstance(value, cst.FormattedString):
            if value.prefix.lower() != "f":
                return False  # raw or bytes f-strings: keep it simple
            quote = value.end
            piece = []
            for part in value.parts:
                if isinstance(part, cst.FormattedStringText):
                    # The text keeps its escapes and doubled braces, which a format
                    # string wants too; only the backslash escapes need evaluating.
                    piece.append(ast.literal_eval(quote + part.value + quote))
                elif (
                    part.conversion is not None
                    or part.format_spec is not None
                    or part.equal is not None
                ):
                    return False  # `{x!r}`, `{x:.3f}`, `{x=}` do not carry over to arrays
                else:
                    piece.append(self.placeholder(part.expression))
            self.pieces.append("".join(piece))
            return True
        if isinstance(value, cst.ConcatenatedString | cst.StarredElement):
            return False
        self.pieces.append(self.placeholder(value))
        return True


class TraceTimeSideEffect(Rule):
    code = "JL004"
    name = "trace-time-side-effect"
    summary = "Side effect in traced code runs once, at trace time"
    fix = "sometimes"
    what_it_does = """
        Inside staged traced code (`jit`, `vmap`, `scan` bodies, ... and the functions they
        call, across modules), checks for Python side effects: `print`, `logging.*` calls and
        logger methods, `open`, `input`, `time.time()`/`perf_counter()`/..., Python's
        `random.*` and `np.random.*`, writes to `sys.stdout`/`sys.stderr`.

        A `print` or log call that shows only static facts (`x.shape`, `x.dtype`, a string
        constant) is fine and not flagged. Functions given to `jax.debug.callback`,
        `io_callback` or `pure_callback` run on the host and are not flagged; neither is code
        traced only by `jax.grad`/`value_and_grad`, which runs Python on every call.
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
    )

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        for site in model.calls:
            diagnostic = self.check_call(model, site)
            if diagnostic is not None:
                yield diagnostic

    def check_call(self, model: SemanticModel, site: Site) -> Diagnostic | None:
        function = _compiled_function(site.scope)
        if function is None:
            return None
        call: cst.Call = site.node  # type: ignore[assignment]
        name = model.qualified_name(call.func, site.scope)
        context = model.traced_context(function)
        if name == "builtins.print":
            if self.shows_only_static(model, site):
                return None
            fix = self.print_fix(model, site)
            message = (
                f"`print` in traced code ({context}) runs once, at trace time, and shows "
                "tracers, not values; use `jax.debug.print`"
            )
            return Diagnostic(self.code, call, message, fix)
        if self.is_logging(model, name, call, site):
            if self.shows_only_static(model, site):
                return None
            return Diagnostic(
                self.code,
                call,
                f"Logging in traced code ({context}) happens once, at trace time, with tracers "
                "instead of values; use `jax.debug.print` or `jax.debug.callback`",
            )
        if name is None:
            return None
        effect = jf.HOST_EFFECT_CALLS.get(name)
        if effect is not None:
            return Diagnostic(
                self.code,
                call,
                f"`{name}` {effect} in traced code ({context}): it happens once, at trace "
                "time, and its result is frozen into the compiled function; do it outside "
                "the traced function or in `jax.debug.callback`",
            )
        if name.startswith(jf.HOST_RANDOM_NAMESPACES):
            return Diagnostic(
                self.code,
                call,
                f"`{name}` in traced code ({context}) draws once, at trace time: every call "
                "of the compiled function reuses the same number; use `jax.random` with a key",
            )
        return None

    @staticmethod
    def is_logging(model: SemanticModel, name: str | None, call: cst.Call, site: Site) -> bool:
        """``logging.info(...)``, ``absl.logging.warning(...)``, or ``logger.info(...)`` on
        a logger from ``logging.getLogger``."""
        if name is not None:
            return (
                name.startswith(jf.LOGGING_MODULES)
                and name.rsplit(".", 1)[-1] in jf.LOGGING_FUNCTIONS
            )
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in jf.LOGGING_FUNCTIONS:
            return False
        receiver = func.value
        if isinstance(receiver, cst.Call):
            factory = model.qualified_name(receiver.func, site.scope)
        else:
            factory = model.assigned_call(receiver, site.scope)
        return factory in jf.LOGGER_FACTORIES

    @staticmethod
    def shows_only_static(model: SemanticModel, site: Site) -> bool:
        call: cst.Call = site.node  # type: ignore[assignment]
        return all(
            model.is_traced_value(arg.value, site.scope, site.ordinal) is False
            for arg in call.args
            if arg.keyword is None
        )

    def print_fix(self, model: SemanticModel, site: Site) -> Fix | None:
        call: cst.Call = site.node  # type: ignore[assignment]
        if any(arg.keyword is not None or arg.star for arg in call.args):
            return None
        conversion = _PrintConversion()
        if not all(conversion.add(arg.value) for arg in call.args):
            return None
        # `import jax` goes after the first module-level import that is not NumPy's.
        anchor = module_import_anchor(model, skip_modules=("numpy",))
        imports = ensure_import(model, "jax", "jax", scope=site.scope, after=anchor)
        if imports is None:
            return None  # `jax` means something else here, or nowhere to import it
        no_space = cst.SimpleWhitespace("")
        args = [cst.Arg(cst.SimpleString(_string_literal(" ".join(conversion.pieces))))]
        args += [
            cst.Arg(
                value,
                keyword=cst.Name(keyword),
                equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
            )
            for keyword, value in conversion.keywords.items()
        ]
        new_call = call.with_changes(func=cst.parse_expression("jax.debug.print"), args=args)
        edits: tuple[Edit, ...] = (Replace(call, new_call), *imports)
        return Fix("jax.debug.print(...)", edits, Applicability.UNSAFE)
