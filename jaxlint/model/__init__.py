"""The semantic model: one walk over a libcst tree, shared by every rule.

- :mod:`~jaxlint.model.records`: what the walk records (scopes, bindings, loops, branches,
  sites) and their kinds, as enums; :class:`Fact`, the tri-state answer.
- :mod:`~jaxlint.model.builder`: the one walk.
- :mod:`~jaxlint.model.names`: name resolution (``lookup``, ``qualified_name``,
  ``function_of``, reaching bindings).
- :mod:`~jaxlint.model.tracing`: which functions are traced and how (:class:`TraceInfo`,
  a side table), and the one ``transform_of`` shared with :mod:`jaxlint.project.index`.
- :mod:`~jaxlint.model.lattices.values`: one evaluator; :mod:`~jaxlint.model.lattices.arrays`,
  :mod:`~jaxlint.model.lattices.traced` and :mod:`~jaxlint.model.lattices.booleans` its lattices
  (array-ness, traced-ness, boolean-ness).
- :mod:`~jaxlint.model.semantic`: :class:`SemanticModel`, the questions rules ask.

Facts that need the whole file are derived after the walk from what it recorded,
without walking the tree again. See README.md beside this file for what a rule may ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import libcst as cst

from jaxlint.facts.transforms import TransformKind
from jaxlint.model.builder import Builder
from jaxlint.model.lattices.proofs import ArrayProof
from jaxlint.model.names import (
    array_only_index,
    at_update,
    dotted,
    names_read,
    reaching_bindings,
    string_key,
)
from jaxlint.model.records import *  # noqa: F403 - the facade re-exports every node type
from jaxlint.model.records import TraceInfo, TransformForm
from jaxlint.model.records import __all__ as _node_names
from jaxlint.model.semantic import SemanticModel
from jaxlint.model.tracing import TraceResolver, decorator_transform


def build_model(
    module: cst.Module,
    traced_decorators: Iterable[str] = (),
    external_traced: Mapping[str, str] | None = None,
    external_rebound: Mapping[str, str] | None = None,
    external_jitted: Mapping[str, Mapping[str, tuple[tuple[int, ...], tuple[str, ...]]]]
    | None = None,
    line_names: Callable[[int], str] | None = None,
    cell_of: Callable[[int], int] | None = None,
    *,
    external_classes: Mapping[str, str] | None = None,
) -> SemanticModel:
    """Walk ``module`` once and derive the file-wide facts.

    ``external_traced`` maps qualified names of functions in this file to why code in
    other files traces them; ``external_rebound`` maps module-level names of this file
    that other files rebind to where; ``external_jitted`` maps names this file imports
    to the argument options (``static_argnums``: positions and names) they were jitted
    with elsewhere (see :mod:`jaxlint.project.index`); ``external_classes`` maps names
    this file imports to how instances of that class of another file hash. ``line_names``
    words a line of ``module`` as messages cite it, when the module is not the file (a
    notebook's cells); ``cell_of`` gives the cell a line of a notebook's module is in.
    """
    model = SemanticModel(module, traced_decorators)
    if line_names is not None:
        model.line_names = line_names
    model.cell_of = cell_of
    model.external_rebound = dict(external_rebound or {})
    model.external_jitted = dict(external_jitted or {})
    model.external_classes = dict(external_classes or {})
    Builder(model).walk_all(module.body)
    TraceResolver(model, external_traced or {}).run()
    return model


__all__ = [
    *_node_names,
    "ArrayProof",
    "SemanticModel",
    "TraceInfo",
    "TransformForm",
    "TransformKind",
    "array_only_index",
    "at_update",
    "build_model",
    "decorator_transform",
    "dotted",
    "names_read",
    "reaching_bindings",
    "string_key",
]
