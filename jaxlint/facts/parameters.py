"""The record of one parameter that must be static (a row of the generated table
:mod:`jaxlint.facts.static_parameters`)."""

from __future__ import annotations

from typing import NamedTuple

#: A static value of a parameter that the table can write as a literal.
StaticValue = int | bool | tuple[int, ...]


class StaticParameter(NamedTuple):
    """One parameter that refused a tracer: where a call passes it, and the sample call
    (a recipe of :mod:`jaxlint.facts.probes` and the parameter's value) that showed it."""

    name: str
    #: Its position among the positional arguments, or None where it is keyword-only.
    position: int | None
    recipe: str
    value: StaticValue
    #: Other optional parameters (with the value that showed it) that let this one take
    #: a tracer when passed (``total_repeat_length`` for ``jnp.repeat``'s ``repeats``).
    unless: tuple[tuple[str, StaticValue], ...] = ()
