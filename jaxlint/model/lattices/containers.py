"""Container-ness: whether a value is a Python container (a list, tuple, dict or set, or
a generator) of the kinds asked about. Its answers must agree: a name bound to a list on
one path and to a dict on another is UNKNOWN when asked about lists only."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.lattices.arrays import ArrayFacts
from jaxlint.model.lattices.values import (
    ARRAY_VALUE_BINDINGS,
    DEFINITIONS,
    NO,
    UNKNOWN,
    YES,
    Evaluator,
    agreeing,
)
from jaxlint.model.records import Binding, BindingKind, Fact, Param, Scope
from jaxlint.model.view import ModelView

#: The expressions that build a container, and which kind each builds.
DISPLAY_KINDS: dict[type[cst.BaseExpression], str] = {
    cst.List: "list",
    cst.ListComp: "list",
    cst.Tuple: "tuple",
    cst.Dict: "dict",
    cst.DictComp: "dict",
    cst.Set: "set",
    cst.SetComp: "set",
    cst.GeneratorExp: "generator",
}
#: Every kind of container, the generator (an iterator, not a container) aside.
CONTAINERS = frozenset({"list", "tuple", "dict", "set"})
#: A NumPy array made by ``np.zeros``/``np.array``/... (NUMPY_BUFFER_CALLS): answered
#: only to a question that asks about it by name, so the answers about Python containers
#: stay what they were (UNKNOWN for such a call).
NDARRAY = "ndarray"


def display_kind(expr: cst.BaseExpression) -> str | None:
    """``"list"`` for ``[a, b]`` or ``[x for x in y]``, ...; None for any other expression."""
    return DISPLAY_KINDS.get(type(expr))


class ContainerFacts(Evaluator):
    """Is the value a Python container of one of ``kinds``? YES for a display or a
    ``list(...)``/``tuple(...)``/``dict(...)``/``set(...)`` call of such a kind (or, asked
    about :data:`NDARRAY`, a NumPy call that makes a new array), a name
    every binding of which is one, or a parameter annotated as one (``Sequence[int]``, a
    NamedTuple class) or, when ``defaults`` (a question that only keeps a rule silent),
    defaulting to a display of one (``axes=()``); NO for a display of another kind or a
    number or string."""

    join = staticmethod(agreeing)  # type: ignore[assignment]

    def __init__(self, model: ModelView, kinds: frozenset[str], *, defaults: bool) -> None:
        # One cache per question: an answer about lists is not one about containers, and
        # one that trusts defaults is not one that does not.
        self.lattice = "container:" + ",".join(sorted(kinds)) + (":defaults" if defaults else "")
        super().__init__(model)
        self.kinds = kinds
        self.defaults = defaults

    def of_kinds(self, kinds: frozenset[str] | None) -> Fact:
        """YES when every kind the value may be is asked about; NO when none is."""
        if kinds is None:
            return UNKNOWN
        if kinds <= self.kinds:
            return YES
        return NO if not kinds & self.kinds else UNKNOWN

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        kind = display_kind(expr)
        if kind is not None:
            return self.of_kinds(frozenset({kind}))
        if isinstance(expr, cst.BaseNumber | cst.BaseString):
            return NO
        if isinstance(expr, cst.Call):
            name = self.model.qualified_name(expr.func, scope) or ""
            kind = jf.CONTAINER_CALLS.get(name)
            if kind is None and NDARRAY in self.kinds and self.makes_ndarray(expr, name):
                kind = NDARRAY
            return UNKNOWN if kind is None else self.of_kinds(frozenset({kind}))
        return UNKNOWN

    @staticmethod
    def makes_ndarray(call: cst.Call, name: str) -> bool:
        """``np.zeros(3)``, ``np.array(rows)``: a new ``numpy.ndarray``. Not with
        ``retstep=`` (``np.linspace`` then returns a tuple)."""
        if name not in jf.NUMPY_BUFFER_CALLS:
            return False
        return not any(
            arg.keyword is not None and arg.keyword.value == "retstep" for arg in call.args
        )

    def binding_fact(self, binding: Binding) -> Fact:
        kind = binding.kind
        if kind is BindingKind.PARAM:
            return self.of_param(binding)
        if kind in ARRAY_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, binding.code_scope, binding.ordinal)
        if kind in DEFINITIONS:
            return NO
        return UNKNOWN

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None or param.starred:
            return UNKNOWN
        if param.default is not None and display_kind(param.default) is not None:
            # The default is the value only on the paths whose callers omit it: enough to
            # stay silent (``defaults``), never to claim what another caller passes.
            if not self.defaults:
                return UNKNOWN
            return self.of(param.default, function.parent or self.model.module_scope, 0)
        if self.defaults and ArrayFacts.used_as_mapping(function, param.name):
            # ``params.items()``: a dict, a NamedTuple or another mapping, never an array;
            # its truth is its length (enough to stay silent, not to name its kind).
            return YES
        if param.annotation is None:
            return self.from_calls(function, param)
        where = function.parent or self.model.module_scope
        return self.of_kinds(self.annotated_kinds(param.annotation, where))

    def from_calls(self, function: Scope, param: Param) -> Fact:
        """What every call in sight (one at least) passes for ``param``, when they agree:
        a call hands its argument over as it is (``jit`` too rebuilds a list argument as
        a list, of tracers)."""
        sites = self.model.calls_in_sight(function)
        if not sites:
            return UNKNOWN
        facts: list[Fact] = []
        for site in sites:
            passed = site.argument(param)
            if passed is None or passed is param.default:
                return UNKNOWN
            facts.append(self.of(passed, site.scope, site.ordinal))
        return self.join(facts)

    def annotated_kinds(
        self, annotation: cst.BaseExpression, scope: Scope
    ) -> frozenset[str] | None:
        """The kinds of container an annotation admits (``Optional[X]`` as ``X``), or None
        when it is not a container's."""
        model = self.model
        if isinstance(annotation, cst.Subscript):
            name = model.qualified_name(annotation.value, scope)
            if name == "typing.Optional" and len(annotation.slice) == 1:
                inner = annotation.slice[0].slice
                if isinstance(inner, cst.Index):
                    return self.annotated_kinds(inner.value, scope)
                return None
            return jf.CONTAINER_ANNOTATIONS.get(name or "")
        kinds = jf.CONTAINER_ANNOTATIONS.get(model.qualified_name(annotation, scope) or "")
        if kinds is not None:
            return kinds
        if isinstance(annotation, cst.Name):  # a NamedTuple class of this file
            found = model.lookup(annotation.value, scope)
            if found is not None and found.bindings[-1].kind is BindingKind.CLASS:
                cls = model.scope_of_node.get(id(found.bindings[-1].node))
                if cls is not None and model.base_names(cls) & jf.NAMED_TUPLE_BASES:
                    return frozenset({"tuple"})
        return None
