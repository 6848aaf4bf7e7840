"""What an answer about array-ness rests on: how the value was made, only annotations,
or only what the entries of a function in this file hand it (:class:`ArrayProof`). A fix
marked safe needs a proof that holds on every path, those out of sight included."""

from __future__ import annotations

import enum

import libcst as cst

from jaxlint.model.lattices.arrays import ArrayFacts
from jaxlint.model.lattices.values import NO, UNKNOWN, YES
from jaxlint.model.records import Fact, Param, Scope, ScopeKind
from jaxlint.model.view import ModelView


class ArrayProof(enum.Enum):
    """What an answer about array-ness rests on. Annotations are not checked at run time:
    a Pallas ref, a NumPy array or a host value is often annotated ``jax.Array``."""

    #: A JAX array on every path by how it was made: a ``jnp``/``lax``/``jax.random``
    #: call, arithmetic on such arrays, an ``.at[]`` update, a traced argument of a
    #: transformation that every entry of its function goes through, ... (annotations
    #: that say "not an array" may still have helped).
    CONSTRUCTED = "constructed"
    #: A JAX array on every path in this file by how it was made, but resting on a
    #: parameter of a function that code out of sight may call as is (another module
    #: importing a function of this file that is handed to ``jax.jit(f)`` or called from
    #: traced code): there it holds whatever it is given, a NumPy array as well.
    EXPOSED = "exposed"
    #: A JAX array on every path only if the annotations it rests on (of a parameter, a
    #: field, a variable, jaxtyping) tell the truth.
    ANNOTATED = "annotated"
    NOT_ARRAY = "not an array"
    UNKNOWN = "unknown"

    @property
    def fact(self) -> Fact:
        """The array-ness answer, whatever it rests on."""
        if self is ArrayProof.NOT_ARRAY:
            return NO
        return UNKNOWN if self is ArrayProof.UNKNOWN else YES


class ConstructedArrayFacts(ArrayFacts):
    """Is the value a JAX array by how it was made? As :class:`ArrayFacts`, but an
    annotation that says "array" proves nothing (one that says "not an array" still
    counts): a value known only by its annotation is UNKNOWN here."""

    lattice = "array-constructed"

    def from_calls_in_sight(self, function: Scope, param: Param) -> Fact | None:
        return None  # callers in other files are out of sight: no proof

    def of_annotation(self, annotation: cst.BaseExpression, scope: Scope) -> Fact:
        fact = super().of_annotation(annotation, scope)
        return UNKNOWN if fact is YES else fact


class SealedArrayFacts(ConstructedArrayFacts):
    """As :class:`ConstructedArrayFacts`, but a parameter is an array by what enters its
    function only where nothing out of sight can enter it: the function is decorated
    with the transformation, or it is nested and its name is read only to be called or
    handed to a transformation (see :func:`entered_in_sight`)."""

    lattice = "array-sealed"

    def entered_as_given(self, function: Scope, param: Param, through: Fact) -> Fact:
        fact = super().entered_as_given(function, param, through)
        if fact is not YES or self.model.trace(function).wrapped_where_defined:
            return fact
        return YES if entered_in_sight(self.model, function) else UNKNOWN


def entered_in_sight(model: ModelView, function: Scope) -> bool:
    """Every way into ``function`` is in this file: it is nested in a function, and every
    read of its name calls it or hands it to a transformation (``jax.jit(f)``,
    ``lax.scan(f, ...)``). A function of the module or a method can be imported or
    reached through an instance elsewhere; a nested one returned or stored escapes."""
    node = function.node
    parent = function.parent
    if not isinstance(node, cst.FunctionDef) or parent is None:
        return False
    if parent.kind is not ScopeKind.FUNCTION:
        return False
    name = node.name.value
    uses = len(model.calls_reaching(function))
    for site in model.calls:
        if model.transform_of(site.call.func, site.scope) is None:
            continue
        uses += sum(
            isinstance(arg.value, cst.Name)
            and arg.value.value == name
            and model.function_of(arg.value, site.scope) is function
            for arg in site.call.args
        )
    loads = sum(len(scope.loads.get(name, ())) for scope in model.scopes)
    return loads == uses


def array_proof(
    model: ModelView, expr: cst.BaseExpression, scope: Scope, ordinal: int
) -> ArrayProof:
    """Whether ``expr`` is a JAX array, and what that rests on: an array for
    :class:`ArrayFacts` that :class:`ConstructedArrayFacts` cannot prove is ANNOTATED (on
    some path, or in some part, an annotation decides); one that only
    :class:`SealedArrayFacts` cannot prove is EXPOSED."""
    fact = ArrayFacts(model).of(expr, scope, ordinal)
    if fact is not YES:
        return ArrayProof.NOT_ARRAY if fact is NO else ArrayProof.UNKNOWN
    if ConstructedArrayFacts(model).of(expr, scope, ordinal) is not YES:
        return ArrayProof.ANNOTATED
    sealed = SealedArrayFacts(model).of(expr, scope, ordinal)
    return ArrayProof.CONSTRUCTED if sealed is YES else ArrayProof.EXPOSED
