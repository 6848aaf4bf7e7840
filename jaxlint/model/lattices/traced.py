"""Traced-ness: whether a value is a tracer when its function runs under a
transformation. One traced part makes the whole traced; static (NO) only when every
part is. Across paths the answers must agree: a name bound to a tracer on one path and
to a Python value on another, or a helper's parameter that one traced caller passes a
tracer and another a literal, is UNKNOWN (a claim that code fails must hold on every
path)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.model.lattices.arrays import ArrayFacts, array_evidence
from jaxlint.model.lattices.values import (
    DEFINITIONS,
    NO,
    TRACED_VALUE_BINDINGS,
    UNKNOWN,
    YES,
    Evaluator,
    any_yes,
    every_path,
)
from jaxlint.model.records import (
    Binding,
    BindingKind,
    CallSite,
    Fact,
    Param,
    Scope,
    argument_for,
)
from jaxlint.model.tracing import partial_call
from jaxlint.syntax.calls import keyword_names, positional_count

if TYPE_CHECKING:
    from jaxlint.model.records import TraceInfo


class TracedFacts(Evaluator):
    """Is the value a tracer when its function runs under a transformation? YES: it
    depends on a traced argument or on a JAX operation in staged code. NO: a Python value
    known at trace time (a constant, ``.shape``/``.dtype``/``len()``, a static
    parameter, a module-level or closed-over Python value)."""

    lattice = "traced"
    join = staticmethod(any_yes)  # type: ignore[assignment]
    path_join = staticmethod(every_path)  # type: ignore[assignment]
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
            if base is YES or self.staged_operation((expr.value,), scope, ordinal):
                return YES
            indices = any_yes(self.of_slice(e.slice, scope, ordinal) for e in expr.slice)
            return NO if base is NO and indices is NO else UNKNOWN
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal)
        if isinstance(expr, cst.BinaryOperation | cst.BooleanOperation):
            operands = (expr.left, expr.right)
            fact = any_yes(self.of(operand, scope, ordinal) for operand in operands)
            if fact is not YES and isinstance(expr, cst.BinaryOperation):
                return YES if self.staged_operation(operands, scope, ordinal) else fact
            return fact
        if isinstance(expr, cst.UnaryOperation):
            fact = self.of(expr.expression, scope, ordinal)
            if fact is not YES and not isinstance(expr.operator, cst.Not):
                operands = (expr.expression,)
                return YES if self.staged_operation(operands, scope, ordinal) else fact
            return fact
        if isinstance(expr, cst.Comparison):
            fact = self.of_comparison(expr, scope, ordinal)
            if fact is YES or not all(
                isinstance(target.operator, ORDERINGS) for target in expr.comparisons
            ):
                return fact
            operands = (expr.left, *(target.comparator for target in expr.comparisons))
            return YES if self.staged_operation(operands, scope, ordinal) else fact
        return UNKNOWN

    def staged_operation(
        self, operands: tuple[cst.BaseExpression, ...], scope: Scope, ordinal: int
    ) -> bool:
        """An operator or an index applied, in staged code, to a JAX array known at trace
        time (a module-level ``jnp`` constant, a closed-over array): it is a JAX operation,
        so it yields a tracer like any other (``y <= 0`` with ``y = jnp.arange(3)``), though
        ``y`` itself is concrete (tests/test_transform_facts.py runs each operator)."""
        if not self.in_traced_code(scope) or self.model.eager_at(scope, ordinal):
            return False
        arrays = ArrayFacts(self.model)
        return any(arrays.of(operand, scope, ordinal) is YES for operand in operands)

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
        if base is YES and ArrayFacts(self.model).of(expr, scope, ordinal) is YES:
            # A JAX array held by a traced pytree is one of its leaves, so a tracer (a
            # static field cannot hold one: jit hashes static fields).
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
            if (
                name in jf.ARRAY_CALLS
                or name in jf.PYTREE_OPERATIONS
                or jf.jax_operation(name, positional_count(call), keyword_names(call))
            ):
                if self.in_traced_code(scope) and not self.model.eager_at(scope, ordinal):
                    return YES  # every JAX operation in staged code yields a tracer
                return arguments()  # under ensure_compile_time_eval: concrete in, concrete out
            if name in jf.SAMPLE_SITE_CALLS and self.in_traced_code(scope):
                observed = keyword_names(call)
                if observed is not None and jf.SAMPLE_SITE_OBSERVED not in observed:
                    return YES if not self.model.eager_at(scope, ordinal) else UNKNOWN
            if name in jf.TREE_MAP_CALLS and call.args:
                # A tree of what the mapped function returns: `tree_map(_is_none, grads)`
                # is a tree of Python bools, static though `grads` is traced.
                mapped_name = self.model.qualified_name(call.args[0].value, scope)
                if mapped_name in jf.STATIC_RESULT_CALLS:
                    return NO  # `tree.map(jnp.shape, params)`: a tree of shapes
                mapped = self.model.function_of(call.args[0].value, scope)
                if mapped is not None and self.of_returns(mapped) is not UNKNOWN:
                    return self.of_returns(mapped)
            if name.startswith(("builtins.", "numpy.", "math.", "jax.tree_util.", "jax.tree.")):
                return arguments()
            return UNKNOWN  # other helpers (jax internals included) may return metadata
        returned = self.of_local_call(call, scope)
        if returned is not UNKNOWN:
            return returned
        if (
            isinstance(call.func, cst.Call)
            and self.in_traced_code(scope)
            and not self.model.eager_at(scope, ordinal)
        ):
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
        """Where a JAX operation yields a tracer whatever its inputs: code staged out into
        a jaxpr (jit, scan, ...). Under vmap or grad alone only what depends on the
        arguments is traced, and the arguments say so."""
        function = scope.enclosing_function()
        return function is not None and self.model.trace(function).stages_constants

    @staticmethod
    def arguments_traced(info: TraceInfo) -> bool:
        return info.arguments_traced()

    def binding_fact(self, binding: Binding) -> Fact:
        kind = binding.kind
        if kind is BindingKind.PARAM:
            return self.of_param(binding)
        if kind in DEFINITIONS:
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
            if part is not None:
                # The part itself is seen: that a sibling is traced says nothing of it
                # (``state, n_steps = helper(x)`` with a Python int as the second part).
                return part
        if kind in TRACED_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, where, binding.ordinal)
        return UNKNOWN

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        info = self.model.trace(function)
        if param is None or param.starred or info.ref_params or info.host:
            return UNKNOWN
        if param.name in info.partial_bound:
            return NO
        if param.name in info.static_params:
            # Static in one wrapper; a called wrapper that traces it still fails.
            return YES if self.wrapper_passes(function, param) else NO
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
            if info.traces_only_array_leaves() and not array_evidence(self.model, function, param):
                return UNKNOWN  # eqx.filter_jit traces arrays only: this may be static
            if param.default is None or self.wrapper_passes(function, param):
                return YES
            return UNKNOWN  # the default, a Python value, where no caller passes it
        passed = self.from_callers(function, param)
        if passed is None:
            passed = self.from_leaf_callers(function, param)
        return UNKNOWN if passed is None else passed

    def wrapper_passes(self, function: Scope, param: Param) -> bool:
        """A call of ``g``, bound once to ``jax.jit(function, ...)`` that leaves ``param``
        traced, or of the wrapper itself where it is made (``jax.jit(function)(x, True)``),
        passes a value for it (not its default, not None): on that call the function runs
        with a tracer there, literal or not, whatever other wrappers or defaults say."""
        model = self.model
        for site, static in model.trace(function).wrappers:
            if param.name in static:
                continue
            for call in model.calls:
                if call.call.func is site.call and self.passes_leaf(param, call):
                    return True
            holders = [
                binding
                for binding in site.scope.bindings.get(_assigned_name(site.call, site.scope), ())
                if binding.value is site.call and binding.kind is BindingKind.ASSIGN
            ]
            if len(holders) != 1:
                continue
            for call in model.calls:
                func = call.call.func
                if not isinstance(func, cst.Name) or func.value != holders[0].name:
                    continue
                found = model.lookup(func.value, call.scope)
                if found is None or list(found.bindings) != holders:
                    continue
                if self.passes(param, call.call):
                    return True
        return False

    def passes_leaf(self, param: Param, site: CallSite) -> bool:
        """``site`` gives ``param`` one leaf, so a tracer under jit: a number, a bool or
        a JAX array (a pytree, `{}` or a dict of arrays, stays a container of them)."""
        passed = argument_for(param, site.call, 0)
        if not self.passes(param, site.call) or passed is None:
            return False
        if isinstance(passed, cst.BaseNumber):
            return True
        if isinstance(passed, cst.Name) and passed.value in ("True", "False"):
            return True
        return ArrayFacts(self.model).of(passed, site.scope, site.ordinal) is YES

    @staticmethod
    def passes(param: Param, call: cst.Call) -> bool:
        """``call`` gives ``param`` a value: not its default, not None."""
        passed = argument_for(param, call, 0)
        return passed is not None and passed is not param.default and not _is_none(passed)

    def from_leaf_callers(self, function: Scope, param: Param) -> Fact | None:
        """What ``jax.tree.map(function, tree, ...)`` calls pass for ``param``: a leaf of
        the matching tree, traced when that tree is (a traced pytree has traced leaves).
        ``tree.map(partial(function, n), tree)`` binds ``n`` first: that parameter holds
        what the partial was given, and the leaves fill the parameters after it."""
        sites = self.model.trace(function).leaf_callers
        if not sites or param.index < 0:
            return None
        facts = []
        for site in sites:
            skipped = jf.TREE_MAP_CALLS[site.qualified_name]  # type: ignore[index]
            found = partial_call(self.model, site.call.args[0].value, site.scope, site.ordinal)
            if found is not None:
                partial, where, ordinal = found
                bound_positional = [
                    arg.value for arg in partial.args[1:] if arg.keyword is None and not arg.star
                ]
                if any(arg.star for arg in partial.args[1:]):
                    return None
                bound_keywords = {
                    arg.keyword.value: arg.value for arg in partial.args[1:] if arg.keyword
                }
                if param.name in bound_keywords:
                    facts.append(self.of(bound_keywords[param.name], where, ordinal))
                    continue
                if param.index < len(bound_positional):
                    facts.append(self.of(bound_positional[param.index], where, ordinal))
                    continue
                position = param.index - len(bound_positional) - skipped
            else:
                position = param.index - skipped
            if position < 0:
                return None  # the key path
            trees = [a.value for a in site.call.args[1:] if a.keyword is None and not a.star]
            if position >= len(trees):
                return None
            facts.append(
                YES if self.of(trees[position], site.scope, site.ordinal) is YES else UNKNOWN
            )
        return self.join(facts)


#: Comparisons JAX computes on an array (``is`` and ``in`` are Python's own).
ORDERINGS = (
    cst.LessThan,
    cst.LessThanEqual,
    cst.GreaterThan,
    cst.GreaterThanEqual,
    cst.Equal,
    cst.NotEqual,
)


def _assigned_name(call: cst.Call, scope: Scope) -> str:
    """The name a binding of ``scope`` assigns ``call`` to, or ``""``."""
    for name, bindings in scope.bindings.items():
        if any(binding.value is call for binding in bindings):
            return name
    return ""


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


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


class GradTracedFacts(TracedFacts):
    """Is the value a tracer, the JVP tracers of the arguments a ``grad``-like
    transformation differentiates (its ``argnums``) included? Those hold concrete values,
    so Python control flow on them works, but ``float()`` and the ``math`` functions
    refuse them (jaxfacts.GRAD_REFUSED_CONVERSIONS). Unlike :class:`JvpTracedFacts`, no
    assumption: only what ``argnums`` selects, and what is computed from it."""

    lattice = "traced-or-grad"

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        info = self.model.trace(function)
        if (
            param is not None
            and param.name in info.differentiated_params
            and not (param.starred or info.host or param.default is not None)
            and param.name not in info.static_params | info.partial_bound
        ):
            return YES
        return super().of_param(binding)


class JvpTracedFacts(TracedFacts):
    """Is the value a tracer of any kind, the JVP tracers of code traced only by ``grad``
    included? Those hold concrete values (Python control flow on them works), but classic
    NumPy cannot convert them (``np.sqrt`` on a JVPTracer raises). The inputs of a flax
    module's methods and of a haiku transformed function count too: applied at top level
    they are the caller's values, but modules are applied inside jitted and differentiated
    training steps, where they are tracers. That is an assumption, not a fact JAX
    guarantees (tests/test_transform_facts.py shows ``apply`` itself traces nothing):
    only JL007 relies on it, and control flow (JL006) does not."""

    lattice = "traced-or-jvp"

    @staticmethod
    def arguments_traced(info: TraceInfo) -> bool:
        return info.arguments_traced() or bool(
            info.direct_kinds & {TransformKind.GRAD, TransformKind.JVP, TransformKind.MODULE}
        )
