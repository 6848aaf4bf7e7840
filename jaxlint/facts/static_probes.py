"""Which parameters of jax's public functions must be static, found by running them.

The linter never imports this module: it imports the table it writes,
:mod:`jaxlint.facts.static_parameters`. Regenerate it after upgrading jax, after
``python -m jaxlint.facts.probes --write``, with

    python -m jaxlint.facts.static_probes --write

and ``tests/test_static_parameters.py`` re-runs every claim against the installed jax.

For each function that a sample call of :mod:`jaxlint.facts.probes` fits, and each of its
parameters that takes a Python number or a tuple of them (``axis``, ``shape``, ``num``,
``ord``, ``k``, ...), the call is staged twice with the parameter's value: once as a
constant and once as a tracer (a tuple as a tuple of tracers), every other argument a
constant. A parameter is listed only when the constant call works and the traced one
raises one of JAX's refusals of a tracer (``ConcretizationTypeError`` and its kin, or a
"concrete"/"static"/"hashable" error): then a traced value there fails at trace time on
every call. A parameter no candidate value fits, or whose traced call fails otherwise
(a dtype mismatch), is not listed: UNKNOWN, never a guess.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jaxlint.facts import probes
from jaxlint.facts.parameters import StaticParameter, StaticValue

TABLE = Path(__file__).with_name("static_parameters.py")

#: Values tried, in order, for a parameter the sample call leaves at its default; the
#: first that the constant call accepts decides.
_CANDIDATES: tuple[StaticValue, ...] = (1, 0, 2, (0,), (1,), (2, 2))
#: Words of JAX's refusals of a tracer where a concrete value is needed, beyond its
#: error classes: ``Shapes must be 1D sequences of concrete values``, ``Non-hashable
#: static arguments``, ``unhashable type: 'DynamicJaxprTracer'``, "must be static".
_REFUSAL_WORDS = ("concrete", "static", "hashable", "tracer")


def refuses_tracer(error: BaseException) -> bool:
    """Whether ``error`` is JAX refusing a tracer where it needs a concrete value."""
    import jax

    refusals = (
        jax.errors.ConcretizationTypeError,
        jax.errors.TracerArrayConversionError,
        jax.errors.TracerIntegerConversionError,
        jax.errors.TracerBoolConversionError,
    )
    if isinstance(error, refusals):
        return True
    text = str(error).lower()
    return isinstance(error, TypeError | ValueError) and any(w in text for w in _REFUSAL_WORDS)


def _staged(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    parameter: str,
    position: int | None,
    value: Any,
    *,
    traced: bool,
    extra: dict[str, Any] | None = None,
) -> None:
    """Stage ``function(*args)`` with ``value`` for ``parameter`` (by position where it
    has one among ``args``, else by keyword), as a tracer when ``traced`` (a tuple's
    elements each a tracer), else as a constant; every other argument is a constant.
    ``extra`` are more constant keyword arguments. Raises what the call raises."""
    import jax

    def call(given: Any) -> Any:
        positional = list(args)
        keywords: dict[str, Any] = dict(extra or {})
        if position is not None and position < len(positional):
            positional[position] = given
        else:
            keywords[parameter] = given
        return function(*positional, **keywords)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if traced:
            jax.make_jaxpr(call)(value)  # a tuple's elements each become a tracer
        else:
            jax.make_jaxpr(lambda: call(value))()


def shows_static(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    parameter: str,
    position: int | None,
    value: StaticValue,
) -> bool | None:
    """True when the constant call works and the traced one is refused, and no traced
    array takes the parameter either; False when a traced value works there; None when
    the constant call fails or the traced one fails otherwise."""
    try:
        _staged(function, args, parameter, position, value, traced=False)
    except Exception:
        return None
    try:
        _staged(function, args, parameter, position, value, traced=True)
    except Exception as error:
        if not refuses_tracer(error):
            return None
    else:
        return False
    for array in _array_forms(value):
        try:
            _staged(function, args, parameter, position, array, traced=True)
        except Exception:
            continue
        return False  # it takes an array (``permutation(key, x)``, ``histogram`` bins)
    return True


def _array_forms(value: StaticValue) -> tuple[Any, ...]:
    """The traced arrays a user may pass where the sample passed ``value``: ``(2, 2)`` as
    one array, a number as a vector. Where one of them works, a tracer there is fine
    (``jnp.shape(x)`` of an array, ``jax.random.choice(key, a)`` of an array)."""
    import numpy as np

    if isinstance(value, bool):
        return ()
    if isinstance(value, tuple):
        return (np.asarray(value, dtype=np.int32),)
    return (np.asarray([value], dtype=np.int32),)


def _literal(value: object) -> StaticValue | None:
    """``value`` when it is a number or a tuple of ints the probe can trace, else None."""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, tuple) and value and all(type(v) is int for v in value):
        return value
    return None


def _works(function: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """Whether ``function(*args)`` works, staged with every argument a constant or, for
    a function that needs concrete arrays without ``size=`` (``jnp.nonzero``), eagerly:
    a sample worth probing its parameters on."""
    import jax

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            jax.make_jaxpr(lambda: function(*args))()
        except Exception as error:
            if not refuses_tracer(error):
                return False  # the sample does not fit: no need to run it eagerly
        else:
            return True
        try:
            function(*args)
        except Exception:
            return False
    return True


def _candidates(parameter: inspect.Parameter, given: object) -> tuple[StaticValue, ...]:
    """The values to try for ``parameter``: what the sample passes (when it is a literal
    the probe can trace), or, left at its default, a flag's two values or the numbers and
    tuples of :data:`_CANDIDATES`."""
    if given is not inspect.Parameter.empty:
        value = _literal(given)
        return () if value is None else (value,)
    if parameter.default is inspect.Parameter.empty or parameter.kind is parameter.POSITIONAL_ONLY:
        return ()
    if isinstance(parameter.default, bool):
        return (not parameter.default, parameter.default)
    return _CANDIDATES


def probe_static(function: Callable[..., Any]) -> dict[str, StaticParameter]:
    """The parameters of ``function`` that refuse a tracer. A parameter a sample passes
    is decided by the first sample (in :func:`jaxlint.facts.probes._samples`' order) that
    works with a constant in it; one left at its default, by the first sample that works
    with one of its candidate values (``squeeze``'s axis fits only an array with a unit
    axis, a later sample than a square's). The others stay undecided, so unlisted."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return {}
    parameters = [
        (index, p)
        for index, p in enumerate(signature.parameters.values())
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    decided: set[str] = set()
    found: dict[str, StaticParameter] = {}
    for recipe, make in probes._samples().items():
        args = make()
        try:
            bound = signature.bind(*args)
        except TypeError:
            continue
        open_parameters = [
            (index, parameter)
            for index, parameter in parameters
            if parameter.name not in decided
            and (
                parameter.name not in bound.arguments
                or _literal(bound.arguments[parameter.name]) is not None
            )
        ]
        if not open_parameters or not _works(function, args):
            continue  # nothing this sample could decide, or it does not fit
        for index, parameter in open_parameters:
            positional = parameter.kind in (
                parameter.POSITIONAL_ONLY,
                parameter.POSITIONAL_OR_KEYWORD,
            )
            position = index if positional else None
            given = bound.arguments.get(parameter.name, inspect.Parameter.empty)
            for value in _candidates(parameter, given):
                verdict = shows_static(function, args, parameter.name, position, value)
                if verdict is None:
                    continue
                decided.add(parameter.name)
                if verdict:
                    unless = _unlocking(function, args, bound, parameter.name, position, value)
                    found[parameter.name] = StaticParameter(
                        parameter.name, position, recipe, value, unless
                    )
                break
    return found


def _unlocking(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    bound: inspect.BoundArguments,
    parameter: str,
    position: int | None,
    value: StaticValue,
) -> tuple[tuple[str, StaticValue], ...]:
    """The other optional parameters, with a value, that let ``parameter`` take a tracer
    (``total_repeat_length`` of ``jnp.repeat`` for ``repeats``): a call that passes one
    of them is no claim. Each is tried with its first candidate value that works."""
    unlocking: list[tuple[str, StaticValue]] = []
    for other in bound.signature.parameters.values():
        if other.name == parameter or other.name in bound.arguments:
            continue
        if other.kind in (other.VAR_POSITIONAL, other.VAR_KEYWORD, other.POSITIONAL_ONLY):
            continue
        for candidate in _candidates(other, inspect.Parameter.empty):
            extra = {other.name: candidate}
            try:
                _staged(function, args, parameter, position, value, traced=False, extra=extra)
            except Exception:
                continue
            try:
                _staged(function, args, parameter, position, value, traced=True, extra=extra)
            except Exception:
                break
            unlocking.append((other.name, candidate))
            break
    return tuple(unlocking)


def unlocks(name: str, parameter: StaticParameter, other: str, candidate: StaticValue) -> bool:
    """Whether passing ``other=candidate`` lets the claim's parameter take a tracer on
    the installed jax (the claim's sample call, re-run)."""
    function = probes.resolve(name)
    assert function is not None, f"{name} is gone"
    args = probes._samples()[parameter.recipe]()
    extra = {other: candidate}
    position, value = parameter.position, parameter.value
    _staged(function, args, parameter.name, position, value, traced=False, extra=extra)
    try:
        _staged(function, args, parameter.name, position, value, traced=True, extra=extra)
    except Exception:
        return False
    return True


def probe_all(names: list[str]) -> dict[str, dict[str, StaticParameter]]:
    """Every function named, probed; those with a parameter that must be static."""
    table: dict[str, dict[str, StaticParameter]] = {}
    for name in names:
        function = probes.resolve(name)
        if function is None:
            continue
        found = probe_static(function)
        if found:
            table[name] = dict(sorted(found.items(), key=lambda item: _order(function, item[0])))
    return table


def _order(function: Callable[..., Any], parameter: str) -> int:
    return list(inspect.signature(function).parameters).index(parameter)


def rerun(name: str, parameter: StaticParameter) -> bool | None:
    """What the claim's sample call shows on the installed jax (True: it refuses)."""
    function = probes.resolve(name)
    assert function is not None, f"{name} is gone"
    args = probes._samples()[parameter.recipe]()
    return shows_static(function, args, parameter.name, parameter.position, parameter.value)


def render(table: dict[str, dict[str, StaticParameter]], generated_with: dict[str, str]) -> str:
    """The table module's text."""
    entries: list[str] = []
    for name in sorted(table):
        entries.append(f'    "{name}": {{')
        for parameter in table[name].values():
            fields = (
                f'"{parameter.name}", {parameter.position}, "{parameter.recipe}", '
                f"{parameter.value!r}"
            )
            if parameter.unless:
                pairs = [f'("{other}", {value!r})' for other, value in parameter.unless]
                comma = "," if len(pairs) == 1 else ""  # as ruff writes a tuple
                fields += f", ({', '.join(pairs)}{comma})"
            line = f'        "{parameter.name}": StaticParameter({fields}),'
            if len(line) <= 100:
                entries.append(line)
            else:  # as ruff format splits it
                entries.append(f'        "{parameter.name}": StaticParameter(')
                entries.extend((f"            {fields}", "        ),"))
        entries.append("    },")
    lines = [
        '"""Parameters of jax\'s public functions that must be static, found by running them.',
        "",
        "Generated by ``python -m jaxlint.facts.static_probes --write``; do not edit. Each",
        "entry names the sample call that showed it (see :mod:`jaxlint.facts.static_probes`):",
        "the call worked with a constant there and raised JAX's refusal of a tracer with a",
        "traced value. A function or parameter not listed is UNKNOWN.",
        '"""',
        "",
        "from jaxlint.facts.parameters import StaticParameter",
        "",
        "GENERATED_WITH = {",
        *(f'    "{package}": "{version}",' for package, version in generated_with.items()),
        "}",
        "",
        "#: Function -> its parameters that refused a tracer.",
        "STATIC_PARAMETERS: dict[str, dict[str, StaticParameter]] = {",
        *entries,
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {TABLE.name}")
    options = parser.parse_args(argv)
    import jax

    jax.config.update("jax_platforms", "cpu")
    names = sorted(name for name, _ in probes.public_functions())
    text = render(probe_all(names), probes.versions())
    if options.write:
        TABLE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
