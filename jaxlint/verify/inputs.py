"""Example inputs for a function, first match wins:

1. an expression from `[tool.jaxlint.verify.examples]` in pyproject.toml;
2. the module's `JAXLINT_EXAMPLES` dict (values: argument tuples, or zero-argument
   callables returning one);
3. the function's annotations (jaxtyping arrays, `float`, `int`, `bool`).

Runs in the worker process, after the user's module is imported.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

EXAMPLES_NAME = "JAXLINT_EXAMPLES"
HOW_TO_GIVE_INPUTS = (
    'add "{name}" to JAXLINT_EXAMPLES or "{module}:{name}" to [tool.jaxlint.verify.examples],'
    " or annotate its parameters (jaxtyping arrays, float, int, bool)"
)
# Preferred concrete dtypes, in order, for a jaxtyping dtype category.
PREFERRED_DTYPES = ("float32", "int32", "bool", "uint32", "complex64", "float64", "int64")
# jaxtyping's dtype category names, for annotations that are only strings.
CATEGORY_DTYPES = {
    "Float": "float32",
    "Inexact": "float32",
    "Num": "float32",
    "Real": "float32",
    "Shaped": "float32",
    "Int": "int32",
    "Integer": "int32",
    "UInt": "uint32",
    "Bool": "bool",
    "Complex": "complex64",
}
STRING_ANNOTATION = re.compile(r"^\s*(?:\w+\.)*(\w+)\[\s*([\w.]+)\s*,\s*(['\"])(.*)\3\s*\]\s*$")


class NoInputs(Exception):
    """No inputs could be found or derived; the message says how to give them."""


class BadExample(Exception):
    """Example inputs were given but could not be evaluated."""


@dataclass
class Example:
    args: tuple[Any, ...]
    source: str  # "pyproject", "JAXLINT_EXAMPLES" or "annotations"


def as_arguments(value: Any) -> tuple[Any, ...]:
    """A tuple (or list) is the positional arguments; anything else is the only argument."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


def evaluate_expression(expression: str) -> tuple[Any, ...]:
    namespace = {"jax": jax, "jnp": jnp, "np": np}
    try:
        return as_arguments(eval(expression, namespace))  # noqa: S307 - the user's own config
    except Exception as error:
        raise BadExample(
            f"example expression {expression!r} raised {type(error).__name__}: {error}"
        ) from error


def module_examples(module: types.ModuleType) -> dict[str, Any]:
    table = getattr(module, EXAMPLES_NAME, None)
    return dict(table) if isinstance(table, dict) else {}


def resolve_example(
    module: types.ModuleType,
    qualname: str,
    fn: Callable[..., Any],
    expression: str | None,
) -> Example:
    if expression is not None:
        return Example(evaluate_expression(expression), "pyproject")
    table = module_examples(module)
    if qualname in table:
        value = table[qualname]
        if callable(value) and not isinstance(value, (tuple, list)):
            try:
                value = value()
            except Exception as error:
                raise BadExample(
                    f"{EXAMPLES_NAME}[{qualname!r}]() raised {type(error).__name__}: {error}"
                ) from error
        return Example(as_arguments(value), EXAMPLES_NAME)
    return Example(derive_from_annotations(fn, qualname, module.__name__), "annotations")


# --- annotations -------------------------------------------------------------------------


@dataclass
class _DimSizes:
    """Sizes for named dimensions: small, distinct, and the same for one name in a call."""

    reserved: set[int] = field(default_factory=set)
    named: dict[str, int] = field(default_factory=dict)
    next_size: int = 2

    def fresh(self) -> int:
        while self.next_size in self.reserved:
            self.next_size += 1
        size = self.next_size
        self.next_size += 1
        return size

    def of(self, name: str) -> int:
        if name not in self.named:
            self.named[name] = self.fresh()
        return self.named[name]


@dataclass
class _ArraySpec:
    dim_tokens: list[str]
    dtype: str
    numpy: bool


def derive_from_annotations(fn: Callable[..., Any], qualname: str, module_name: str) -> tuple:
    hint = HOW_TO_GIVE_INPUTS.format(name=qualname, module=module_name)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as error:
        raise NoInputs(f"no signature ({error}): {hint}") from error
    try:
        hints = typing.get_type_hints(inspect.unwrap(fn), include_extras=True)
    except Exception:
        hints = {}

    specs: list[tuple[str, Any]] = []
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is not parameter.empty:
            continue  # left at its default
        if parameter.kind is parameter.KEYWORD_ONLY:
            raise NoInputs(f"keyword-only `{parameter.name}` has no default: {hint}")
        annotation = hints.get(parameter.name, parameter.annotation)
        spec = _spec_for(annotation)
        if spec is None:
            shown = "no annotation" if annotation is parameter.empty else _show(annotation)
            raise NoInputs(f"no inputs for `{parameter.name}` ({shown}): {hint}")
        specs.append((parameter.name, spec))

    sizes = _DimSizes()
    for _, spec in specs:
        if isinstance(spec, _ArraySpec):
            sizes.reserved.update(int(token) for token in spec.dim_tokens if token.isdigit())
    args = []
    for index, (_, spec) in enumerate(specs):
        args.append(_make_value(spec, sizes, np.random.default_rng(index)))
    return tuple(args)


def _show(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    return getattr(annotation, "__name__", None) or repr(annotation)


def _spec_for(annotation: Any) -> Any:
    """A float/int/bool type or an _ArraySpec, or None when the annotation says too little."""
    if annotation in (float, int, bool):
        return annotation
    if isinstance(annotation, str):
        return _spec_from_string(annotation)
    dim_str = getattr(annotation, "dim_str", None)
    if isinstance(dim_str, str) and hasattr(annotation, "dtype"):
        dtypes = getattr(annotation.dtype, "dtypes", None)
        array_type = getattr(annotation, "array_type", None)
        return _ArraySpec(
            dim_tokens=_dim_tokens(dim_str),
            dtype=_pick_dtype(dtypes),
            numpy=array_type is np.ndarray,
        )
    return None


def _spec_from_string(annotation: str) -> Any:
    annotation = annotation.strip()
    # A quoted annotation under `from __future__ import annotations` is quoted twice.
    while len(annotation) >= 2 and annotation[0] == annotation[-1] and annotation[0] in "'\"":
        annotation = annotation[1:-1].strip()
    builtin = {"float": float, "int": int, "bool": bool}.get(annotation.strip())
    if builtin is not None:
        return builtin
    match = STRING_ANNOTATION.match(annotation)
    if match is None:
        return None
    category, array_type, _, dim_str = match.groups()
    dtype = CATEGORY_DTYPES.get(category)
    if dtype is None:
        lowered = category.lower()
        dtype = lowered if lowered in PREFERRED_DTYPES or _known_dtype(lowered) else None
    if dtype is None:
        return None
    numpy = array_type.split(".")[-1] == "ndarray" and array_type.split(".")[0] in ("np", "numpy")
    return _ArraySpec(_dim_tokens(dim_str), dtype, numpy)


def _known_dtype(name: str) -> bool:
    try:
        np.dtype(getattr(jnp, name))
        return True
    except Exception:
        return False


def _pick_dtype(dtypes: Any) -> str:
    if not dtypes:
        return "float32"  # Shaped[...]: any dtype will do
    names = [str(name) for name in dtypes]
    for preferred in PREFERRED_DTYPES:
        if preferred in names and (preferred != "float64" or jax.config.jax_enable_x64):
            return preferred
    for name in names:
        if _known_dtype(name):
            return name
    return names[0]


def _dim_tokens(dim_str: str) -> list[str]:
    return [token for token in re.split(r"[\s,]+", dim_str.strip()) if token]


def _shape(tokens: list[str], sizes: _DimSizes) -> tuple[int, ...]:
    shape: list[int] = []
    for token in tokens:
        token = token.lstrip("#?")  # broadcastable / treepath markers do not change the size
        if token == "..." or token.startswith("*"):
            continue  # variadic dimensions: none, the smallest consistent choice
        if token.isdigit():
            shape.append(int(token))
        elif token == "_":
            shape.append(sizes.fresh())
        elif re.fullmatch(r"[A-Za-z_]\w*", token):
            shape.append(sizes.of(token))
        else:
            shape.append(_symbolic_size(token.split("=", 1)[-1], sizes))
    return tuple(shape)


def _symbolic_size(expression: str, sizes: _DimSizes) -> int:
    for name in re.findall(r"[A-Za-z_]\w*", expression):
        sizes.of(name)
    try:
        value = int(eval(expression, {"__builtins__": {}}, dict(sizes.named)))  # noqa: S307
    except Exception:
        value = sizes.fresh()
    return max(value, 1)


def _make_value(spec: Any, sizes: _DimSizes, rng: np.random.Generator) -> Any:
    if spec is float:
        return 1.5
    if spec is int:
        return 1  # a valid index into any dimension of size 2 or more
    if spec is bool:
        return True
    shape = _shape(spec.dim_tokens, sizes)
    dtype = np.dtype(getattr(jnp, spec.dtype, spec.dtype))
    if np.issubdtype(dtype, np.bool_):
        value = rng.integers(0, 2, shape).astype(bool)
    elif np.issubdtype(dtype, np.integer):
        value = rng.integers(0, 2, shape).astype(dtype)  # 0 or 1: safe as indices
    elif np.issubdtype(dtype, np.complexfloating):
        value = (rng.uniform(0.5, 1.5, shape) + 1j * rng.uniform(0.5, 1.5, shape)).astype(dtype)
    else:
        # Positive and away from zero, so log, sqrt and division stay well defined.
        value = rng.uniform(0.5, 1.5, shape).astype(dtype)
    return value if spec.numpy else jnp.asarray(value)


def resolve_function(module: types.ModuleType, qualname: str) -> Callable[..., Any] | None:
    """The object named by `qualname` in `module`, or None (nested functions, for instance)."""
    target: Any = module
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if callable(target) else None
