"""Which parameters ``static_argnums``/``static_argnames``, ``donate_argnums``/
``donate_argnames`` (and their kin) select, read once for both trees (libcst ``Arg``s
and ``ast`` keywords) through the literal reader."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst

from jaxlint.syntax.literals import Expression, display_elements, literal_ints, literal_strings

#: The keyword arguments of a call: libcst's ``Arg``s or ``ast``'s keywords.
Options = Iterable[cst.Arg] | Iterable[ast.keyword]


@dataclass(frozen=True)
class Selection:
    """The arguments an option pair selects.

    ``positions`` count the arguments of the transformed callable (a call site's
    positional arguments); ``names`` are parameter names, a call site's keywords. Each
    is completed from the other through the function's positional parameters when they
    are known. ``complete`` is False when part of an option is not literal (``(0, n)``,
    a negative argnum, whose parameter depends on each call's argument count): what is
    listed is selected, and more may be.
    """

    positions: frozenset[int]
    names: frozenset[str]
    complete: bool


def keyword_arguments(options: Options) -> Iterator[tuple[str, Expression]]:
    """(keyword, value) of each keyword argument; positional and ``**`` ones are skipped."""
    for option in options:
        if isinstance(option, ast.keyword):
            if option.arg is not None:
                yield option.arg, option.value
        elif option.keyword is not None:
            yield option.keyword.value, option.value


def selected_parameters(
    options: Options,
    argnums: Collection[str],
    argnames: Collection[str],
    positional: Sequence[str] | None,
    bound: int = 0,
) -> Selection | None:
    """What the ``argnums`` and ``argnames`` keywords among ``options`` select; None when
    they select nothing known (absent, empty, or not literal at all).

    ``positional`` names the function's positional parameters (None when unknown: then
    positions and names are not completed from each other). ``bound`` is how many of
    them ``partial`` (or a bound ``self``) fixes first: argnum 0 is parameter ``bound``.
    """
    positions: set[int] = set()
    names: set[str] = set()
    complete = True
    for keyword, value in keyword_arguments(options):
        if keyword in argnums:
            numbers, known = _each_literal(value, literal_ints)
            positions.update(number for number in numbers if number >= 0)
            # Negative argnums count from the end of each call's positional arguments.
            complete = complete and known and all(number >= 0 for number in numbers)
        elif keyword in argnames:
            strings, known = _each_literal(value, literal_strings)
            names.update(strings)
            complete = complete and known
    if not positions and not names:
        return None
    if positional is not None:
        for index, name in enumerate(positional):
            if name in names and index >= bound:
                positions.add(index - bound)
        for position in list(positions):
            if 0 <= position + bound < len(positional):
                names.add(positional[position + bound])
    return Selection(frozenset(positions), frozenset(names), complete)


Item = TypeVar("Item", int, str)


def _each_literal(
    value: Expression, read: Callable[[Expression], tuple[Item, ...] | None]
) -> tuple[list[Item], bool]:
    """The literals of ``value`` read element by element, and whether all of it was
    literal: ``(0, n)`` still says 0."""
    whole = read(value)
    if whole is not None:
        return list(whole), True
    elements = display_elements(value)
    if elements is None:
        return [], False
    found: list[Item] = []
    for element in elements:
        part = read(element)
        if part is not None:
            found.extend(part)
    return found, False
