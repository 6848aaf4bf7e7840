"""What an expression's value is: one evaluator over expressions, two lattices.

*Array-ness* (:class:`ArrayFacts`): whether a value is a JAX array. Its answers must
agree: a name bound to an array on one path and to a list on another is UNKNOWN.

*Traced-ness* (:class:`TracedFacts`): whether a value is a tracer when its function runs
under a transformation. One traced part makes the whole traced; it is static (NO) only
when every part is.

The shared machinery (:class:`Evaluator`) follows names to the bindings that reach them
and parameters to what traced callers pass. Cycles (loop-carried names) stop at an
in-progress set and a depth bound; an answer that either cut short is not kept, so a
cached answer is the one any question would get, whatever was asked before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint.jaxfacts import TransformKind
from jaxlint.model.names import at_update
from jaxlint.model.nodes import Binding, BindingKind, Fact, Param, Scope

if TYPE_CHECKING:
    from jaxlint.model.semantic import SemanticModel
    from jaxlint.model.tracing import TraceInfo

YES, NO, UNKNOWN = Fact.YES, Fact.NO, Fact.UNKNOWN


def any_yes(facts: Iterable[Fact]) -> Fact:
    """YES if any part is; NO if every part is NO; else UNKNOWN (stops at the first YES)."""
    every_no = True
    for fact in facts:
        if fact is YES:
            return YES
        if fact is UNKNOWN:
            every_no = False
    return NO if every_no else UNKNOWN


def agreeing(facts: Iterable[Fact]) -> Fact:
    """The one answer all parts give, else UNKNOWN."""
    found = set(facts)
    return found.pop() if len(found) == 1 else UNKNOWN


class Evaluator:
    """Evaluates one fact of expressions; a fresh one per question (its in-progress set
    and its memo of cut-short answers belong to that question)."""

    #: The cache of complete answers in the model, one per lattice.
    lattice: str
    #: How deep one question may go, in nested expressions and bindings followed.
    MAX_DEPTH = 100

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.cache = model.fact_cache(self.lattice)
        self.in_progress: set[int] = set()
        self.cut_short: dict[int, Fact] = {}  # answers a bound or a cycle cut short
        self.cut = False
        self.depth = 0

    # ------------------------------------------------------------- to define

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        raise NotImplementedError

    def join(self, facts: Iterable[Fact]) -> Fact:
        raise NotImplementedError

    def binding_fact(self, binding: Binding) -> Fact:
        raise NotImplementedError

    def owner_fact(self, name: str, owner: Scope) -> Fact | None:
        """An answer decided by where the name is bound, before its bindings are read."""
        return None

    unbound_fact = UNKNOWN  # what a name bound nowhere in the file (a builtin) holds

    # --------------------------------------------------------------- shared

    def of(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if self.depth >= self.MAX_DEPTH:
            self.cut = True
            return UNKNOWN
        self.depth += 1
        try:
            # What both lattices read the same way; the rest is each lattice's own.
            if isinstance(expr, cst.Name):
                if expr.value in ("None", "True", "False"):
                    return NO
                return self.of_name(expr.value, scope, ordinal)
            if isinstance(expr, cst.NamedExpr):
                return self.of(expr.value, scope, ordinal)
            if isinstance(expr, cst.IfExp):
                body = self.of(expr.body, scope, ordinal)
                return self.join((body, self.of(expr.orelse, scope, ordinal)))
            return self.evaluate(expr, scope, ordinal)
        finally:
            self.depth -= 1

    def of_name(self, name: str, scope: Scope, ordinal: int) -> Fact:
        found = self.model.reaching(name, scope, ordinal)
        if found is None:
            return self.unbound_fact
        owner, bindings = found
        decided = self.owner_fact(name, owner)
        if decided is not None:
            return decided
        return self.join(self.of_binding(binding) for binding in bindings)

    def of_binding(self, binding: Binding) -> Fact:
        return self.memoized(id(binding), lambda: self.binding_fact(binding))

    def of_returns(self, function: Scope) -> Fact:
        """What calling a function of this file gives: its return values, joined (a
        bare return or falling off the end gives None)."""
        if function.generator:
            return UNKNOWN
        return self.memoized(id(function), lambda: self.returns_fact(function))

    def of_local_call(self, call: cst.Call, scope: Scope) -> Fact:
        """A call, in traced code, of a function defined in this file: what it returns
        (its parameters hold what its traced callers pass, this call among them)."""
        function = scope.enclosing_function()
        if function is None or not self.model.trace(function).traced:
            return UNKNOWN
        callee = self.model.function_of(call.func, scope)
        return UNKNOWN if callee is None else self.of_returns(callee)

    def of_returned_part(self, call: cst.BaseExpression, scope: Scope, position: int) -> Fact:
        """``a, b = helper(x)`` in traced code, where every ``return`` of ``helper`` is a
        tuple display: the ``position``-th part of each, joined."""
        function = scope.enclosing_function()
        if not isinstance(call, cst.Call) or function is None:
            return UNKNOWN
        if not self.model.trace(function).traced:
            return UNKNOWN
        callee = self.model.function_of(call.func, scope)
        if callee is None or callee.generator or not callee.returns:
            return UNKNOWN
        parts: list[Fact] = []
        for value, ordinal in callee.returns:
            if not isinstance(value, cst.Tuple | cst.List) or len(value.elements) <= position:
                return UNKNOWN
            if any(isinstance(element, cst.StarredElement) for element in value.elements):
                return UNKNOWN
            parts.append(self.of(value.elements[position].value, callee, ordinal))
        return self.join(parts)

    def returns_fact(self, function: Scope) -> Fact:
        returned = [
            NO if value is None else self.of(value, function, ordinal)
            for value, ordinal in function.returns
        ]
        return self.join(returned) if returned else NO

    def memoized(self, key: int, compute: Callable[[], Fact]) -> Fact:
        """An answer kept for every later question unless a bound or a cycle cut it
        short; a cut answer is kept for this question only."""
        fact = self.cache.get(key)
        if fact is None:
            fact = self.cut_short.get(key)
        if fact is not None:
            return fact
        if key in self.in_progress:
            self.cut = True  # a cycle through this binding: unknown on this path
            return UNKNOWN
        self.in_progress.add(key)
        outer_cut, self.cut = self.cut, False
        self.depth += 1
        try:
            fact = compute()
        finally:
            self.depth -= 1
            self.in_progress.discard(key)
        (self.cut_short if self.cut else self.cache)[key] = fact
        self.cut = self.cut or outer_cut
        return fact

    def from_callers(self, function: Scope, param: Param) -> Fact | None:
        """What the traced callers in this file pass for ``param``, joined; None when no
        traced caller is in sight (callers in other modules are out of sight)."""
        callers = self.model.trace(function).traced_callers
        if not callers:
            return None
        return self.join(
            UNKNOWN
            if (expr := site.argument(param)) is None
            else self.of(expr, site.scope, site.ordinal)
            for site in callers
        )


class ArrayFacts(Evaluator):
    """Is the value a JAX array?"""

    lattice = "array"
    join = staticmethod(agreeing)  # type: ignore[assignment]

    def owner_fact(self, name: str, owner: Scope) -> Fact | None:
        if name in self.model.string_keyed(owner):
            return NO  # written with string keys somewhere: a dict
        return None

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if isinstance(
            expr,
            cst.List
            | cst.Tuple
            | cst.Dict
            | cst.Set
            | cst.ListComp
            | cst.DictComp
            | cst.SetComp
            | cst.GeneratorExp
            | cst.BaseString
            | cst.Integer
            | cst.Float
            | cst.Imaginary
            | cst.Lambda
            | cst.Comparison,
        ):
            return NO
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.left, cst.List | cst.Tuple | cst.ListComp) or isinstance(
                expr.right, cst.List | cst.Tuple | cst.ListComp
            ):
                return NO  # sequence repetition or concatenation
            left = self.of(expr.left, scope, ordinal)
            right = self.of(expr.right, scope, ordinal)
            if left is YES or right is YES:
                return YES
            return NO if left is NO and right is NO else UNKNOWN
        if isinstance(expr, cst.UnaryOperation):
            if isinstance(expr.operator, cst.Not):
                return NO
            return self.of(expr.expression, scope, ordinal)
        if isinstance(expr, cst.Subscript):
            base = self.of(expr.value, scope, ordinal)
            if base is NO and all(isinstance(e.slice, cst.Slice) for e in expr.slice):
                return NO  # a slice of a list is a list
            return YES if base is YES else UNKNOWN
        if isinstance(expr, cst.Attribute):
            if expr.attr.value in jf.ARRAY_ATTRIBUTES:
                return YES if self.of(expr.value, scope, ordinal) is YES else UNKNOWN
            return self.of_self_attribute(expr, scope)
        return UNKNOWN

    def of_call(self, call: cst.Call, scope: Scope, ordinal: int) -> Fact:
        if at_update(call) is not None:
            return YES  # x.at[i].set(v) and friends
        name = self.model.qualified_name(call.func, scope)
        if name is not None:
            if name in jf.REF_CALLS:
                return NO
            if name in jf.ARRAY_CALLS:
                return YES
            if name.startswith(jf.ARRAY_NAMESPACES):
                if name.rsplit(".", 1)[-1].startswith("_"):
                    return UNKNOWN  # private helpers return anything
                if name in jf.NON_ARRAY_CALLS or name.startswith(jf.NON_ARRAY_NAMESPACES):
                    return UNKNOWN
                return YES
            return NO if name.startswith(("numpy.", "builtins.")) else UNKNOWN
        returned = self.of_local_call(call, scope)
        if returned is not UNKNOWN:
            return returned
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in jf.ARRAY_METHODS:
                return YES if self.of(call.func.value, scope, ordinal) is YES else UNKNOWN
            if method in ("tolist", "item"):
                return NO
        return UNKNOWN

    def binding_fact(self, binding: Binding) -> Fact:
        kind = binding.kind
        if kind is BindingKind.PARAM:
            return self.of_param(binding)
        if kind is BindingKind.ANNASSIGN and isinstance(binding.node, cst.Name):
            annotation = self.model.annotations.get(id(binding.node))
            if annotation is not None:
                fact = self.of_annotation(annotation, binding.code_scope)
                if fact is not UNKNOWN:
                    return fact
        if kind in _ARRAY_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, binding.code_scope, binding.ordinal)
        if kind is BindingKind.UNPACK and binding.value is not None:
            if binding.position is not None:
                part = self.of_returned_part(binding.value, binding.code_scope, binding.position)
                if part is not UNKNOWN:
                    return part
            return self.of_part(binding.value, binding.code_scope, binding.ordinal)
        if kind is BindingKind.AUGASSIGN and binding.value is not None:
            # x += v keeps x's kind: look at what x was before.
            return self.of_name(binding.name, binding.scope, binding.ordinal)
        if kind in _DEFINITIONS:
            return NO
        return UNKNOWN

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None:
            return UNKNOWN
        if param.starred:
            return NO  # *args is a tuple, **kwargs a dict
        info = self.model.trace(function)
        if info.ref_params or param.name.endswith("_ref"):
            return NO  # Pallas kernels receive mutable refs
        annotation = param.annotation
        if annotation is not None:
            fact = self.of_annotation(annotation, function.parent or self.model.module_scope)
            if fact is not UNKNOWN:
                return fact
        if function.self_param() is param:
            return NO  # self / cls
        if param.name in info.static_params:
            return NO
        if param.name in info.partial_bound:
            return UNKNOWN  # a concrete value bound before tracing: array or not, unknown
        if info.arguments_are_arrays():
            # Handed to a transformation: its arguments are traced arrays (or pytrees).
            default = param.default
            if default is None:
                return YES
            if isinstance(default, cst.Name) and default.value == "None":
                return UNKNOWN
            return NO if isinstance(default, cst.BaseNumber | cst.BaseString) else UNKNOWN
        # Traced because traced code calls it: its parameters hold what callers pass
        # (a list of arrays is a list).
        passed = self.from_callers(function, param)
        return UNKNOWN if passed is None else passed

    def of_part(self, whole: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        """A name unpacked from ``whole``: an array if ``whole`` is a sequence of arrays
        (``jnp.split``, ``jnp.linalg.svd``, ...) or a JAX operation's array (its rows).
        Not from a traced parameter: that may be a pytree (a tuple carry) of anything."""
        if not isinstance(whole, cst.Call):
            return UNKNOWN
        if self.model.qualified_name(whole.func, scope) in jf.ARRAY_SEQUENCE_CALLS:
            return YES
        return YES if self.of(whole, scope, ordinal) is YES else UNKNOWN

    def of_annotation(self, annotation: cst.BaseExpression, scope: Scope) -> Fact:
        model = self.model
        if isinstance(annotation, cst.Subscript):
            name = model.qualified_name(annotation.value, scope)
            if name and name.startswith(jf.JAXTYPING_MODULE + ".") and annotation.slice:
                first = annotation.slice[0].slice
                if isinstance(first, cst.Index):
                    return self.of_annotation(first.value, scope)
            if name in ("typing.Optional", "typing.Union"):
                return UNKNOWN
            return NO if name in jf.NON_ARRAY_ANNOTATIONS else UNKNOWN
        if isinstance(annotation, cst.BaseString):
            return UNKNOWN
        name = model.qualified_name(annotation, scope)
        if name in jf.ARRAY_ANNOTATIONS:
            return YES
        return NO if name in jf.NON_ARRAY_ANNOTATIONS else UNKNOWN

    def of_self_attribute(self, expr: cst.Attribute, scope: Scope) -> Fact:
        """``self.w``: what the class's methods store in ``w``, or how it is annotated."""
        cls = self.model.self_attribute_class(expr, scope)
        if cls is None:
            return UNKNOWN
        attr = expr.attr.value
        annotation = cls.class_annotations.get(attr)
        if annotation is not None:
            fact = self.of_annotation(annotation, cls)
            if fact is not UNKNOWN:
                return fact
        stores = cls.instance_attrs.get(attr)
        if not stores:
            return UNKNOWN
        return agreeing(self.of(value, where, at) for value, where, at in stores)


class TracedFacts(Evaluator):
    """Is the value a tracer when its function runs under a transformation? YES: it
    depends on a traced argument or on a JAX operation in staged code. NO: a Python value
    known at trace time (a constant, ``.shape``/``.dtype``/``len()``, a static
    parameter, a module-level or closed-over Python value)."""

    lattice = "traced"
    join = staticmethod(any_yes)  # type: ignore[assignment]
    unbound_fact = NO  # a builtin

    def owner_fact(self, name: str, owner: Scope) -> Fact | None:
        # Module-level and class-level values are concrete, not tracers.
        return None if owner.is_function else NO

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        if isinstance(
            expr,
            cst.BaseNumber | cst.SimpleString | cst.ConcatenatedString | cst.Lambda | cst.Ellipsis,
        ):
            return NO
        parts = _container_parts(expr)
        if parts is not None:
            return any_yes(self.of(part, scope, ordinal) for part in parts)
        if isinstance(expr, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            return self.of(expr.elt, scope, ordinal)
        if isinstance(expr, cst.Attribute):
            return self.of_attribute(expr, scope, ordinal)
        if isinstance(expr, cst.Subscript):
            base = self.of(expr.value, scope, ordinal)
            if base is YES:
                return YES
            indices = any_yes(self.of_slice(e.slice, scope, ordinal) for e in expr.slice)
            return NO if base is NO and indices is NO else UNKNOWN
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal)
        if isinstance(expr, cst.BinaryOperation | cst.BooleanOperation):
            return any_yes(
                (self.of(expr.left, scope, ordinal), self.of(expr.right, scope, ordinal))
            )
        if isinstance(expr, cst.UnaryOperation):
            return self.of(expr.expression, scope, ordinal)
        if isinstance(expr, cst.Comparison):
            return self.of_comparison(expr, scope, ordinal)
        return UNKNOWN

    def of_slice(self, index: cst.BaseSlice, scope: Scope, ordinal: int) -> Fact:
        if isinstance(index, cst.Index):
            return self.of(index.value, scope, ordinal)
        if isinstance(index, cst.Slice):
            return any_yes(
                self.of(part, scope, ordinal)
                for part in (index.lower, index.upper, index.step)
                if part is not None
            )
        return UNKNOWN

    def of_comparison(self, expr: cst.Comparison, scope: Scope, ordinal: int) -> Fact:
        operators = [target.operator for target in expr.comparisons]
        if all(isinstance(op, cst.Is | cst.IsNot) for op in operators):
            return NO  # identity is decided by Python, never by a traced value
        left = self.of(expr.left, scope, ordinal)
        if all(isinstance(op, cst.In | cst.NotIn) for op in operators):
            # ``"w" in params``: membership of a static key in a container is static.
            return left
        return any_yes([left, *(self.of(t.comparator, scope, ordinal) for t in expr.comparisons)])

    def of_attribute(self, expr: cst.Attribute, scope: Scope, ordinal: int) -> Fact:
        attr = expr.attr.value
        if attr in jf.STATIC_ATTRIBUTES:
            return NO
        if self.model.qualified_name(expr, scope) is not None:
            return NO  # a module attribute: np.pi, jnp.float32, math.inf
        base = self.of(expr.value, scope, ordinal)
        if base is NO:
            return NO  # an attribute of a Python object known at trace time
        if base is YES and attr in jf.ARRAY_ATTRIBUTES:
            return YES
        return UNKNOWN  # a field of a traced pytree may be static (equinox, flax.struct)

    def of_call(self, call: cst.Call, scope: Scope, ordinal: int) -> Fact:
        name = self.model.qualified_name(call.func, scope)

        def arguments() -> Fact:
            return any_yes(self.of(arg.value, scope, ordinal) for arg in call.args)

        if name is not None:
            if name in jf.STATIC_RESULT_CALLS:
                return NO
            if name in jf.STATIC_WHEN_STATIC_CALLS and call.args:
                if self.of(call.args[0].value, scope, ordinal) is NO:
                    return NO  # lax.psum(1, "batch"): the axis size, a Python int
            if name in jf.PYTHON_CONVERSIONS:
                # int(tracer) fails (JL006 reports it there); int(static) is static.
                return NO if arguments() is NO else UNKNOWN
            if name.rsplit(".", 1)[-1].startswith("_"):
                return UNKNOWN  # private helpers return anything, metadata included
            if name in jf.ARRAY_CALLS or name.startswith(jf.ARRAY_NAMESPACES):
                if self.in_traced_code(scope):
                    return YES  # every JAX operation in staged code yields a tracer
                return arguments()
            if name.startswith(("builtins.", "numpy.", "math.", "jax.tree_util.", "jax.tree.")):
                return arguments()
            return UNKNOWN  # other helpers (jax internals included) may return metadata
        returned = self.of_local_call(call, scope)
        if returned is not UNKNOWN:
            return returned
        if isinstance(call.func, cst.Call) and self.in_traced_code(scope):
            # jax.value_and_grad(loss)(p, x), jax.vmap(f)(xs) inside staged code: what a
            # transformed function returns there is traced (eval_shape's shapes are not).
            found = self.model.transform_of(call.func, scope)
            if found is not None and not found[1].kind.trace_only:
                return YES
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method == "keys":
                return NO  # pytree keys are static even when the values are traced
            receiver = self.of(call.func.value, scope, ordinal)
            if receiver is YES and method in jf.TRACED_METHODS:
                return YES
            if receiver is NO and method not in jf.CONCRETE_METHODS:
                # A method of a Python object known at trace time (``self.norm(x)``,
                # ``config.get("lr")``): static when its arguments are.
                return NO if arguments() is NO else UNKNOWN
        return UNKNOWN

    def in_traced_code(self, scope: Scope) -> bool:
        """Where a JAX operation yields a tracer: staged code (jit, vmap, scan, ...)."""
        return self.model.staged_function(scope) is not None

    @staticmethod
    def arguments_traced(info: TraceInfo) -> bool:
        return info.arguments_traced()

    def binding_fact(self, binding: Binding) -> Fact:
        kind = binding.kind
        if kind is BindingKind.PARAM:
            return self.of_param(binding)
        if kind in _DEFINITIONS:
            return NO
        where = binding.code_scope
        if kind is BindingKind.AUGASSIGN and binding.value is not None:
            before = self.of_name(binding.name, binding.scope, binding.ordinal)
            return any_yes((before, self.of(binding.value, where, binding.ordinal)))
        if kind is BindingKind.UNPACK and binding.position is not None:
            if isinstance(binding.value, cst.Call):
                called = self.model.qualified_name(binding.value.func, where)
                if binding.position in jf.STATIC_RESULT_PARTS.get(called or "", ()):
                    return NO  # the treedef of tree_flatten: structure, not values
            part = self.of_returned_part(binding.value, where, binding.position)
            if part is not UNKNOWN:
                return part
        if kind in _TRACED_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, where, binding.ordinal)
        return UNKNOWN

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        info = self.model.trace(function)
        if param is None or param.starred or info.ref_params or info.host:
            return UNKNOWN
        if param.name in info.static_params or param.name in info.partial_bound:
            return NO
        if function.self_param() is param:
            return NO  # self / cls
        if info.unmapped(param.name):
            return UNKNOWN
        annotation = param.annotation
        if annotation is not None:
            outer = function.parent or function
            annotated = self.model.qualified_name(annotation, outer)
            if annotated in ("builtins.str", "typing.Callable", "collections.abc.Callable"):
                return NO  # cannot be a jit argument, so it is a static one
            if info.traces_only_array_leaves():
                if isinstance(annotation, cst.Subscript):  # Literal["a", "b"]
                    annotated = self.model.qualified_name(annotation.value, outer)
                if annotated in jf.STATIC_UNDER_FILTERING_ANNOTATIONS:
                    return NO  # eqx.filter_jit traces array leaves only
        if info.traces_only_array_leaves() and _python_literal(param.default):
            return NO  # `training: bool = False` under eqx.filter_jit: a Python value
        if self.arguments_traced(info):
            return YES if param.default is None else UNKNOWN
        passed = self.from_callers(function, param)
        return UNKNOWN if passed is None else passed


def _python_literal(expr: cst.BaseExpression | None) -> bool:
    """``True``, ``False``, ``None`` or a string: never an array."""
    if isinstance(expr, cst.Name):
        return expr.value in ("True", "False", "None")
    return isinstance(expr, cst.SimpleString | cst.ConcatenatedString)


def _container_parts(expr: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The values a literal container or an f-string is made of; None for anything else."""
    if isinstance(expr, cst.List | cst.Tuple | cst.Set):
        return [element.value for element in expr.elements]
    if isinstance(expr, cst.Dict):
        return [e.value for e in expr.elements if isinstance(e, cst.DictElement)]
    if isinstance(expr, cst.FormattedString):
        return [p.expression for p in expr.parts if isinstance(p, cst.FormattedStringExpression)]
    return None


class JvpTracedFacts(TracedFacts):
    """Is the value a tracer of any kind, the JVP tracers of code traced only by ``grad``
    included? Those hold concrete values (Python control flow on them works), but classic
    NumPy cannot convert them (``np.sqrt`` on a JVPTracer raises)."""

    lattice = "traced-or-jvp"

    def in_traced_code(self, scope: Scope) -> bool:
        function = scope.enclosing_function()
        return function is not None and self.model.trace(function).traced

    @staticmethod
    def arguments_traced(info: TraceInfo) -> bool:
        return info.arguments_traced() or TransformKind.GRAD in info.direct_kinds


_DEFINITIONS = frozenset({BindingKind.DEF, BindingKind.CLASS, BindingKind.IMPORT})
#: Bindings whose value is what the name holds, for array-ness (an unpacked name holds a
#: part of its value, whose array-ness is not the whole's).
_ARRAY_VALUE_BINDINGS = frozenset({BindingKind.ASSIGN, BindingKind.ANNASSIGN, BindingKind.WALRUS})
#: For traced-ness a part of a traced value (``a, b = x``, ``for row in x``) is traced.
_TRACED_VALUE_BINDINGS = _ARRAY_VALUE_BINDINGS | {BindingKind.UNPACK, BindingKind.FOR}


def is_mutable_ref(
    model: SemanticModel, expr: cst.BaseExpression, scope: Scope, ordinal: int
) -> bool:
    """A ``jax.new_ref``/Pallas ref or a flax NNX Variable: written in place by design.

    A may-question (any binding that makes it a ref suffices), bounded in depth."""
    return _is_ref(model, expr, scope, ordinal, 0)


def _is_ref(
    model: SemanticModel, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int
) -> bool:
    if depth > _MAX_REF_DEPTH:
        return False
    if isinstance(expr, cst.Call):
        return model.qualified_name(expr.func, scope) in jf.REF_CALLS
    if isinstance(expr, cst.Name):
        if expr.value.endswith("_ref"):
            return True
        found = model.reaching(expr.value, scope, ordinal)
        if found is None:
            return False
        for binding in found[1]:
            if binding.kind is BindingKind.PARAM and model.trace(binding.scope).ref_params:
                return True
            if binding.value is not None and _is_ref(
                model, binding.value, binding.scope, binding.ordinal, depth + 1
            ):
                return True
        return False
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        function = scope.enclosing_function()
        cls = function.enclosing_class() if function else None
        if cls is not None:
            for value, where, at in cls.instance_attrs.get(expr.attr.value, ()):
                if _is_ref(model, value, where, at, depth + 1):
                    return True
    return False


_MAX_REF_DEPTH = 10
