"""JL005's fix: split the reused key (its own module: the rule finds, this mends); and
which key a use is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import (
    Applicability,
    Edit,
    Fix,
    InsertBefore,
    Replace,
    ensure_import,
    module_import_anchor,
)
from jaxlint.model import Binding, BindingKind, CallSite, Loop, LoopKind, SemanticModel
from jaxlint.rules.base import source_text
from jaxlint.syntax.blocks import FreshNames, path_to, statement_in_block
from jaxlint.syntax.literals import literal_int


@dataclass(frozen=True, eq=False)
class KeyUse:
    """A call that consumes the key held by ``name``."""

    name: str
    argument: cst.BaseExpression  # the key as the call is given it
    site: CallSite
    consumer: str  # what consumes it, for messages: `jax.random.normal`, `init(key=...)`
    sampler: bool  # consumed on evidence (jax.random, or a helper that consumes it)
    #: ``keys[6]``: the element of the array of keys ``name`` holds, by a literal index;
    #: ``self.rng``: the attribute of the object ``name`` holds, by its name
    index: int | str | None = None

    @property
    def shown(self) -> str:
        if isinstance(self.index, str):
            return f"{self.name}.{self.index}"
        return self.name if self.index is None else f"{self.name}[{self.index}]"


def key_held(
    model: SemanticModel,
    given: cst.BaseExpression,
    site: CallSite,
    made_key: Callable[[SemanticModel, Binding], bool],
) -> tuple[str, int | str | None] | None:
    """The name whose key ``site`` is given, and the element's index where it is given
    one element of an array of keys by a literal index (``keys[6]``): only where every
    binding of the name that reaches the call makes keys (``keys = split(key, 8)``), an
    array that no statement changes in place, within the loop around the call if any
    (the same element on every pass, ``[permutation(keys[0], a) for a in arrays]``, is
    as often a deliberate shared order as a slip); or ``self`` and the attribute's name
    for an attribute that holds one key for the whole call (``self.rng_key``, see
    :func:`_constant_attribute`). None for anything else."""
    if isinstance(given, cst.Name):
        return given.value, None
    if isinstance(given, cst.Attribute) and isinstance(given.value, cst.Name):
        return _constant_attribute(model, given, site)
    if not isinstance(given, cst.Subscript) or not isinstance(given.value, cst.Name):
        return None
    if len(given.slice) != 1 or not isinstance(given.slice[0].slice, cst.Index):
        return None
    index = literal_int(given.slice[0].slice.value)
    name = given.value.value
    found = model.reaching(name, site.scope, site.ordinal)
    if index is None or found is None or found.owner is not site.scope:
        return None
    if not found.bindings or not all(made_key(model, b) for b in found.bindings):
        return None
    if site.loop is not None and not all(site.loop.contains(b.ordinal) for b in found.bindings):
        return None
    if _changed_in_place(model, site, name):
        return None  # `key, *keys = split(key, 3)` makes a list: `keys[0] = ...` changes it
    return name, index


def _changed_in_place(model: SemanticModel, site: CallSite, name: str) -> bool:
    """The function stores into ``name[...]`` or calls a mutating method on it."""
    for store in model.subscript_stores:
        target = store.node
        if store.scope is site.scope and isinstance(target, cst.Subscript):
            if isinstance(target.value, cst.Name) and target.value.value == name:
                return True
    return any(
        isinstance(func := other.call.func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == name
        and func.attr.value in jf.MUTATING_METHODS
        for other in site.scope.calls
    )


#: Methods that set an object's attributes up before any other method runs.
_CONSTRUCTORS = frozenset({"__init__", "__post_init__", "setup"})


def _constant_attribute(
    model: SemanticModel, given: cst.Attribute, site: CallSite
) -> tuple[str, int | str | None] | None:
    """``self.rng`` in a method, where the attribute holds one value for the whole call:
    the class declares it (a dataclass or flax field, or a key set in its constructor;
    not a method or property, which may give a new key on every read), nothing in the
    file stores it but the class's constructors (and not the method itself: a
    constructor that splits ``self.key`` as it goes), ``self`` is never rebound, and the
    method hands ``self`` to no call (which might store it through another name)."""
    function = site.scope
    first = function.self_param() if function.is_function else None
    cls = function.enclosing_class()
    if first is None or cls is None or first.name != given.value.value:  # type: ignore[attr-defined]
        return None
    if model.decorated_with(function, "builtins.staticmethod") or model.decorated_with(
        function, "builtins.classmethod"
    ):
        return None
    if len(function.bindings.get(first.name, ())) != 1:
        return None
    attr = given.attr.value
    if attr in cls.bindings:
        return None  # a method, a property (a new key on every read), a class constant
    declared = attr in cls.class_annotations  # a dataclass field
    for store in model.attribute_stores:
        target = store.node
        if isinstance(target, cst.Attribute) and target.attr.value == attr:
            owner = store.scope.enclosing_function()
            if (
                owner is None
                or owner is function  # `self.key, sub = split(self.key)` between the uses
                or owner.enclosing_class() is not cls
                or owner.name not in _CONSTRUCTORS
            ):
                return None
            declared = True
    if not declared:
        return None  # maybe a base class's property
    for other in function.calls:
        if any(
            isinstance(a.value, cst.Name) and a.value.value == first.name for a in other.call.args
        ):
            return None
    return first.name, attr


def split_before(
    model: SemanticModel, names: FreshNames, first: KeyUse, second: KeyUse
) -> Fix | None:
    """``key, subkey = split(key)`` before the statement of the first use, which takes
    ``subkey``; the second takes the new ``key``. Splitting before the second use
    instead would consume the key twice again (the first use, then the split). Only
    where both uses are statements of one block (or one statement)."""
    scope = first.site.scope
    path = path_to(scope.node, first.site.node)
    second_path = path_to(scope.node, second.site.node)
    if path is None or second_path is None:
        return None
    placed = statement_in_block(path)
    second_placed = statement_in_block(second_path)
    if placed is None or second_placed is None or placed[1] is not second_placed[1]:
        return None
    if first.site.loop is not second.site.loop:
        return None  # `while` tests, `for` iterables and comprehensions run apart
    return _split_fix(model, names, first, placed[0], "before its first use")


def split_in_loop(model: SemanticModel, names: FreshNames, loop: Loop, use: KeyUse) -> Fix | None:
    """``key, subkey = split(key)`` first in the body of the ``for``/``while`` loop
    where ``use`` (the key's only use in it) consumes the key every iteration."""
    if loop.kind is LoopKind.COMPREHENSION:
        return None
    path = path_to(loop.node, use.site.node)
    body = getattr(loop.node, "body", None)
    if path is None or len(path) < 2 or path[1] is not body:
        return None  # in a `while` test, or a one-line body
    if not isinstance(body, cst.IndentedBlock):
        return None
    return _split_fix(model, names, use, body.body[0], "at the top of the loop")


def _split_fix(
    model: SemanticModel,
    names: FreshNames,
    use: KeyUse,
    anchor: cst.BaseStatement,
    where: str,
) -> Fix | None:
    random = _random_module(model, use)
    if random is None or use.index is not None:
        return None  # no split for one element of an array of keys: split the array
    spelled, imports = random
    subkey = names.fresh("subkey")
    split = cst.parse_statement(
        f"{use.name}, {subkey} = {spelled}.split({use.name})\n",
        config=model.module.config_for_parsing,
    )
    edits: tuple[Edit, ...] = (
        InsertBefore(anchor, split),
        Replace(use.argument, cst.Name(subkey)),
        *imports,
    )
    title = f"Split `{use.name}` {where}: `{source_text(split).strip()}`"
    return Fix(title, edits, Applicability.UNSAFE)


def _random_module(model: SemanticModel, use: KeyUse) -> tuple[str, tuple[Edit, ...]] | None:
    """How the file spells ``jax.random`` where ``use`` is: the module the use itself
    calls through, an import of ``jax.random`` or ``jax``, or a new ``import jax``."""
    scope = use.site.scope
    func = use.site.call.func
    candidates: list[str] = []
    if isinstance(func, cst.Attribute):
        candidates.append(source_text(func.value))
    for name, bindings in model.module_scope.bindings.items():
        for binding in bindings:
            if binding.kind is BindingKind.IMPORT and binding.imported == "jax.random":
                candidates.append(name)
            elif binding.kind is BindingKind.IMPORT and binding.imported == "jax":
                candidates.append(f"{name}.random")
    for spelled in candidates:
        expr = cst.parse_expression(spelled)
        if model.qualified_name(expr, scope) == "jax.random":
            return spelled, ()
    anchor = module_import_anchor(model)
    imports = ensure_import(model, "jax", "jax", scope=scope, after=anchor)
    return None if imports is None else ("jax.random", imports)
