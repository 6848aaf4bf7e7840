"""The model as its own lower modules see it: what tracing and the lattices may ask back.

The semantic model (:class:`jaxlint.model.semantic.SemanticModel`) is built from the
tracing resolver and the lattices, and they in turn ask it questions (``trace``,
``transform_of``, the answer caches). They type against this interface, never against the
façade, so that the model's modules import only downwards (mypy's ``semanal_shared``
pattern): records < names < view < tracing < lattices < semantic < builder.
"""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.names import NameResolver
from jaxlint.model.records import CallSite, Fact, Scope, Site, TraceInfo, TransformForm


class ModelView(NameResolver):
    """The records and name resolution of one file, and the façade's questions that the
    tracing resolver and the lattices ask. :class:`SemanticModel` implements it."""

    module: cst.Module
    traced_decorators: frozenset[str]
    scopes: list[Scope]
    functions: list[Scope]
    classes: list[Scope]
    calls: list[CallSite]
    decorated_defs: list[Site]
    #: id(annotated Name) -> its annotation
    annotations: dict[int, cst.BaseExpression]
    #: module-level names other linted files rebind -> where
    external_rebound: dict[str, str]

    def trace(self, scope: Scope) -> TraceInfo:
        """How ``scope`` (a function) is traced; an empty answer for untraced code."""
        raise NotImplementedError

    def trace_of_function(self, function: Scope) -> TraceInfo:
        """The writable record for ``function`` (the tracing resolver fills it in)."""
        raise NotImplementedError

    def calls_reaching(self, function: Scope) -> list[CallSite]:
        """The calls in this file whose callee is ``function``."""
        raise NotImplementedError

    def calls_in_sight(self, function: Scope) -> list[CallSite] | None:
        """Every call of ``function`` when they are all its uses in this file, else None."""
        raise NotImplementedError

    def staged_function(self, scope: Scope) -> Scope | None:
        """The enclosing function, if a staging transformation traces it."""
        raise NotImplementedError

    def eager_at(self, scope: Scope, ordinal: int) -> bool:
        """Inside a ``with jax.ensure_compile_time_eval():`` block: JAX runs eagerly."""
        raise NotImplementedError

    def transform_of(
        self, expr: cst.BaseExpression, scope: Scope
    ) -> tuple[str, jf.Transform, TransformForm] | None:
        """The transformation ``expr`` names or configures, with its name."""
        raise NotImplementedError

    def fact_cache(self, lattice: str) -> dict[int, Fact]:
        """The answers of one lattice, by binding (see :mod:`jaxlint.model.lattices.values`)."""
        raise NotImplementedError

    def int_cache(self) -> dict[int, int | None]:
        """The known ints of bindings (see :mod:`jaxlint.model.lattices.integers`)."""
        raise NotImplementedError

    def string_keyed(self, scope: Scope) -> set[str] | frozenset[str]:
        """The names ``scope`` stores into with string keys (dicts, not arrays)."""
        raise NotImplementedError
