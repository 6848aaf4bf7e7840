"""JL003's question about a loop over settings written out in the code: a new program
per setting is meant (a sweep), not a wrapper rebuilt by mistake."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import BindingKind, SemanticModel, Site


def written_out(model: SemanticModel, iterable: cst.BaseExpression, site: Site) -> bool:
    """``iterable`` is a collection written out in the code: a display (``[1, 5, 10]``,
    ``(a, b)``), a name bound only to one, or ``zip``/``enumerate``/``reversed`` of one
    (``zip`` stops at its shortest argument)."""
    if isinstance(iterable, cst.List | cst.Tuple | cst.Set):
        return not any(isinstance(e, cst.StarredElement) for e in iterable.elements)
    if isinstance(iterable, cst.Name):
        found = model.reaching(iterable.value, site.scope, site.ordinal)
        bindings = found.bindings if found is not None else []
        return (
            len(bindings) == 1
            and bindings[0].kind is BindingKind.ASSIGN
            and isinstance(bindings[0].value, cst.List | cst.Tuple | cst.Set)
            and written_out(model, bindings[0].value, site)
        )
    if isinstance(iterable, cst.Call):
        called = model.called_name(iterable)
        values = [arg.value for arg in iterable.args if arg.keyword is None and not arg.star]
        if called in jf.SHORTEST_LENGTH_ITERATORS:
            return any(written_out(model, value, site) for value in values)
        if called in jf.SAME_LENGTH_ITERATORS and values:
            return written_out(model, values[0], site)
    return False
