"""Which public functions of jax's array namespaces return arrays, found by running them.

The linter never imports this module: it imports the table it writes,
:mod:`jaxlint.facts.array_functions`. Regenerate that table after upgrading jax with

    python -m jaxlint.facts.probes --write

(then ``python -m jaxlint.facts.static_probes --write`` for the table of parameters that
must be static, which builds on this module's samples), and
``tests/test_array_functions.py`` checks the committed table against the installed
jax (every claim re-run; the whole table compared when the versions match).

A function is listed only when a call of it on sample arguments returned a ``jax.Array``
(or a tuple or list of them), and it gives back a pytree, not an array, when its first
array argument is a pytree: ``lax.stop_gradient(params)`` is a dict of arrays, so it is
not listed. A function no sample call fits (``lax.conv_general_dilated``, ``lax.scan``)
is not listed either: what it returns is UNKNOWN to the model, never a guess by module.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.returns import Returns

#: The namespaces probed (jaxfacts' ARRAY_NAMESPACES, the one list): public functions
#: only, submodules reached by attribute (``jax.scipy.stats.norm.pdf``) included.
NAMESPACES = tuple(namespace.rstrip(".") for namespace in jf.ARRAY_NAMESPACES)
#: Reached by attribute, but not arrays' functions: initializers return initializer
#: functions.
_SKIPPED_MODULES = frozenset({"jax.nn.initializers"})

TABLE = Path(__file__).with_name("array_functions.py")
OUT_TABLE = Path(__file__).with_name("numpy_out.py")


@dataclass(frozen=True)
class Verdict:
    """What the probes showed of one function: for each number of positional arguments
    at which sample calls were accepted, what every accepted call gave back (None where
    the calls disagreed), and the first accepted sample of each arity."""

    name: str
    by_arity: dict[int, tuple[Returns | None, str]]
    #: Boolean options whose other value changes what comes back (``return_counts`` of
    #: ``jnp.unique``), or that no sample call accepted flipped.
    kind_changing: frozenset[str] = frozenset()

    def always(self) -> Returns | None:
        """What every accepted call gave back, whatever the arity; None if they differ."""
        kinds = {kind for kind, _ in self.by_arity.values()}
        return kinds.pop() if len(kinds) == 1 else None


def _samples() -> dict[str, Callable[[], tuple[Any, ...]]]:
    """Sample argument lists, tried in order; the first that a function accepts decides."""
    import jax
    import jax.numpy as jnp

    square = jnp.array([[1.5, 0.5], [0.25, 2.0]], dtype=jnp.float32)
    vector = jnp.array([0.25, 0.5, 0.75], dtype=jnp.float32)
    integers = jnp.array([[1, 2], [3, 0]], dtype=jnp.int32)
    flags = jnp.array([[True, False], [False, True]])
    complex_square = square.astype(jnp.complex64)
    counts = jnp.array([0, 1, 1, 3], dtype=jnp.int32)
    key = jax.random.key(0)
    return {
        "x": lambda: (square,),
        "x, x": lambda: (square, square),
        "x, x, x": lambda: (square, square, square),
        "v": lambda: (vector,),
        "v, v": lambda: (vector, vector),
        "i": lambda: (integers,),
        "i, i": lambda: (integers, integers),
        "b": lambda: (flags,),
        "b, b": lambda: (flags, flags),
        "x, 0": lambda: (square, 0),
        "x, 1": lambda: (square, 1),
        "x, (4,)": lambda: (square, (4,)),
        "x, float32": lambda: (square, jnp.float32),
        "x, 0, 1": lambda: (square, 0, 1),
        "x, 0, int32": lambda: (square, 0, jnp.int32),
        "x, (0,)": lambda: (square, (0,)),
        "x, (1, 0)": lambda: (square, (1, 0)),
        "x, (0, 0), (1, 1)": lambda: (square, (0, 0), (1, 1)),
        "x, x, (0, 0)": lambda: (square, square, (0, 0)),
        "x, (2, 2), (0, 1)": lambda: (square, (2, 2), (0, 1)),
        "b, x, x": lambda: (flags, square, square),
        "v, v, v": lambda: (vector, vector, vector),
        "c": lambda: (complex_square,),
        "n": lambda: (counts,),
        "float32, 3": lambda: (jnp.float32, 3),
        "(2, 2)": lambda: ((2, 2),),
        "3": lambda: (3,),
        "3, 3": lambda: (3, 3),
        "key": lambda: (key,),
        "key, 1": lambda: (key, 1),
        "key, (2,)": lambda: (key, (2,)),
        "key, (2,), 0, 3": lambda: (key, (2,), 0, 3),
        "key, v": lambda: (key, vector),
        "key, v, v": lambda: (key, vector, vector),
        "ij,jk->ik, x, x": lambda: ("ij,jk->ik", square, square),
        # A shape as a tuple then a fill value: `lax.full((2, 2), 3)`, whose shape "3, 3"
        # cannot probe (a traced int there fails otherwise: "iteration over a 0-d array").
        "(2, 2), 3": lambda: ((2, 2), 3),
        # An array with a unit axis, for what only such an axis fits: `squeeze(u, 1)`.
        "u, 1": lambda: (square[:, :1], 1),
        "u, (1,)": lambda: (square[:, :1], (1,)),
    }


def _is_array(value: object) -> bool:
    import jax

    return isinstance(value, jax.Array)


def _returns_pytree_for_pytree(function: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """Whether ``function`` maps a pytree (the first array argument wrapped in a dict) to
    a pytree: then what it returns depends on what it is given."""
    position = next((i for i, arg in enumerate(args) if _is_array(arg)), None)
    if position is None:
        return False
    wrapped = (*args[:position], {"leaf": args[position]}, *args[position + 1 :])
    try:
        result = _call(function, wrapped)
    except Exception:
        return False
    return isinstance(result, dict)


def _call(
    function: Callable[..., Any], args: tuple[Any, ...], keywords: dict[str, Any] | None = None
) -> Any:
    """``function(*args, **keywords)``, traced where it can be: staging the call, with
    the array arguments as tracers, costs no compilation; a function that needs concrete
    values (``jnp.nonzero``) is then called eagerly."""
    import jax

    traced = [i for i, arg in enumerate(args) if _is_array(arg) or isinstance(arg, dict)]
    results: list[Any] = []

    def staged(*values: Any) -> None:
        given = list(args)
        for position, value in zip(traced, values, strict=True):
            given[position] = value
        results.append(function(*given, **(keywords or {})))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            jax.make_jaxpr(staged)(*(args[i] for i in traced))
            return results[0]
        except Exception:
            return function(*args, **(keywords or {}))


def _returned(function: Callable[..., Any], args: tuple[Any, ...], result: Any) -> Returns:
    if _is_array(result):
        return Returns.OTHER if _returns_pytree_for_pytree(function, args) else Returns.ARRAY
    if isinstance(result, tuple | list) and result and all(map(_is_array, result)):
        return Returns.SEQUENCE
    return Returns.OTHER


def _accepts(signature: inspect.Signature | None, args: tuple[Any, ...]) -> bool:
    if signature is None:
        return True
    try:
        signature.bind(*args)
    except TypeError:
        return False
    return True


def probe(name: str, function: Callable[..., Any]) -> Verdict:
    """Call ``function`` on every sample argument list its signature admits."""
    try:
        signature: inspect.Signature | None = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None
    seen: dict[int, tuple[set[Returns], str]] = {}
    for recipe, make in _samples().items():
        args = make()
        if not _accepts(signature, args):
            continue
        try:
            result = _call(function, args)
        except Exception:
            continue
        kinds, first = seen.setdefault(len(args), (set(), recipe))
        kinds.add(_returned(function, args, result))
    by_arity = {
        arity: (kinds.pop() if len(kinds) == 1 else None, first)
        for arity, (kinds, first) in sorted(seen.items())
    }
    return Verdict(name, by_arity, _kind_changing_flags(function, signature, by_arity))


def _kind_changing_flags(
    function: Callable[..., Any],
    signature: inspect.Signature | None,
    by_arity: dict[int, tuple[Returns | None, str]],
) -> frozenset[str]:
    if signature is None:
        return frozenset()
    flags = [p for p in signature.parameters.values() if isinstance(p.default, bool)]
    changing: set[str] = set()
    for kind, recipe in by_arity.values():
        if kind is not Returns.ARRAY and kind is not Returns.SEQUENCE:
            continue
        for flag in flags:
            args = _samples()[recipe]()
            try:
                result = _call(function, args, {flag.name: not flag.default})
            except Exception:
                changing.add(flag.name)
                continue
            if _returned(function, args, result) is not kind:
                changing.add(flag.name)
    return frozenset(changing)


def rerun(name: str, recipe: str) -> Returns:
    """What ``name`` gives back on the installed jax for the sample ``recipe``."""
    function = resolve(name)
    assert function is not None, f"{name} is gone"
    args = _samples()[recipe]()
    return _returned(function, args, _call(function, args))


def resolve(name: str) -> Callable[..., Any] | None:
    """The object ``name`` (``jax.scipy.stats.norm.pdf``) names, or None."""
    module_name, _, attribute = name.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attribute, None)


def public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public function of the namespaces, once, named where it is reached first."""
    seen: set[str] = set()
    for namespace in NAMESPACES:
        yield from _functions_of(importlib.import_module(namespace), namespace, seen)


def _functions_of(
    module: ModuleType, prefix: str, seen: set[str]
) -> Iterator[tuple[str, Callable[..., Any]]]:
    for attribute in sorted(dir(module)):
        if attribute.startswith("_"):
            continue
        value = getattr(module, attribute)
        name = f"{prefix}.{attribute}"
        if isinstance(value, ModuleType):
            if value.__name__.startswith(prefix) and name not in _SKIPPED_MODULES:
                if name not in seen:
                    seen.add(name)
                    yield from _functions_of(value, name, seen)
            continue
        if inspect.isclass(value) or not callable(value) or name in seen:
            continue
        if not getattr(value, "__module__", "") or not value.__module__.startswith("jax"):
            continue  # NumPy's own objects re-exported (jnp.save): not jax's functions
        seen.add(name)
        yield name, value


def probe_all() -> list[Verdict]:
    return sorted(
        (probe(name, function) for name, function in public_functions()), key=lambda v: v.name
    )


def versions() -> dict[str, str]:
    import jax
    import jaxlib
    import numpy

    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "numpy": numpy.__version__}


def render(verdicts: list[Verdict], generated_with: dict[str, str]) -> str:
    """The table module's text."""

    def table(kind: Returns) -> list[str]:
        return [
            f'    "{v.name}": "{next(iter(v.by_arity.values()))[1]}",'
            for v in verdicts
            if v.always() is kind
        ]

    def arities(verdict: Verdict) -> str:
        parts = (
            f'{arity}: (Returns.{kind.name}, "{recipe}")'
            for arity, (kind, recipe) in verdict.by_arity.items()
            if kind is Returns.ARRAY or kind is Returns.SEQUENCE
        )
        return "{" + ", ".join(parts) + "}"

    by_arity = [
        f'    "{v.name}": {arities(v)},'
        for v in verdicts
        if v.always() is None
        and any(kind in (Returns.ARRAY, Returns.SEQUENCE) for kind, _ in v.by_arity.values())
    ]
    flags = [
        f'    "{v.name}": frozenset({{{", ".join(repr(f) for f in sorted(v.kind_changing))}}}),'
        for v in verdicts
        if v.kind_changing
        and any(k in (Returns.ARRAY, Returns.SEQUENCE) for k, _ in v.by_arity.values())
    ]
    others = [f'    "{v.name}",' for v in verdicts if v.always() in (None, Returns.OTHER)]
    lines = [
        '"""Functions of jax\'s array namespaces that return arrays, found by running them.',
        "",
        "Generated by ``python -m jaxlint.facts.probes --write``; do not edit. Each entry of",
        "the first two tables names the sample call that showed it (see",
        ":mod:`jaxlint.facts.probes`).",
        '"""',
        "",
        "from jaxlint.facts.returns import Returns",
        "",
        "GENERATED_WITH = {",
        *(f'    "{package}": "{version}",' for package, version in generated_with.items()),
        "}",
        "",
        "#: Every sample call returned one jax.Array.",
        "ARRAY_FUNCTIONS: dict[str, str] = {",
        *table(Returns.ARRAY),
        "}",
        "",
        "#: Every sample call returned a tuple or list of jax.Arrays.",
        "ARRAY_SEQUENCE_FUNCTIONS: dict[str, str] = {",
        *table(Returns.SEQUENCE),
        "}",
        "",
        "#: What the result is depends on the number of positional arguments",
        "#: (``jnp.where(c)`` is a tuple, ``jnp.where(c, x, y)`` an array): the arities at",
        "#: which every sample call agreed.",
        "ARRAY_FUNCTIONS_BY_ARITY: dict[str, dict[int, tuple[Returns, str]]] = {",
        *by_arity,
        "}",
        "",
        "#: Boolean options whose other value changes what the call returns (or that no",
        "#: sample call accepted flipped): a call that passes one is UNKNOWN.",
        "KIND_CHANGING_FLAGS: dict[str, frozenset[str]] = {",
        *flags,
        "}",
        "",
        "#: Probed, and not always arrays (or no sample call fitted): UNKNOWN to the model.",
        "OTHER_FUNCTIONS = frozenset(",
        "    {",
        *("    " + line for line in others),
        "    }",
        ")",
        "",
    ]
    return "\n".join(lines)


def numpy_out_positions(namesakes: frozenset[str]) -> dict[str, int | None]:
    """For each NumPy namesake that takes an ``out`` array, the position from which a
    positional argument is ``out`` (a ufunc's: after its inputs), or None where ``out``
    is keyword-only."""
    import numpy

    positions: dict[str, int | None] = {}
    for name in sorted(namesakes):
        function = resolve(name)
        if function is None:
            continue
        if isinstance(function, numpy.ufunc):
            positions[name] = function.nin
            continue
        try:
            parameters = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError):
            continue
        for index, parameter in enumerate(parameters):
            if parameter.name == "out":
                positional = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
                positions[name] = index if positional else None
    return positions


def render_numpy_out(positions: dict[str, int | None], numpy_version: str) -> str:
    """The text of :mod:`jaxlint.facts.numpy_out`."""
    lines = [
        '"""Where NumPy\'s namesakes of jax\'s array functions take ``out``, read from the',
        "installed NumPy.",
        "",
        "Generated by ``python -m jaxlint.facts.probes --write``; do not edit. A call that",
        "passes ``out`` writes its result into that array: it is not pure.",
        '"""',
        "",
        f'GENERATED_WITH_NUMPY = "{numpy_version}"',
        "",
        "#: Name -> the position from which a positional argument is ``out`` (None: keyword-only).",
        "NUMPY_OUT_POSITIONS: dict[str, int | None] = {",
        *(f'    "{name}": {position},' for name, position in positions.items()),
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
    text = render(probe_all(), versions())
    if options.write:
        TABLE.write_text(text, encoding="utf-8")
        from jaxlint.facts.results import NUMPY_NAMESAKES

        positions = numpy_out_positions(NUMPY_NAMESAKES)
        OUT_TABLE.write_text(render_numpy_out(positions, versions()["numpy"]), encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
