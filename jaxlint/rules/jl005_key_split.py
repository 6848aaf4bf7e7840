"""JL005's fix: split the reused key (its own module: the rule finds, this mends)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from jaxlint.fix.edits import (
    Applicability,
    Edit,
    Fix,
    InsertBefore,
    Replace,
    ensure_import,
    module_import_anchor,
)
from jaxlint.model import BindingKind, CallSite, Loop, LoopKind, SemanticModel
from jaxlint.rules.base import source_text
from jaxlint.syntax.blocks import FreshNames, path_to, statement_in_block


@dataclass(frozen=True, eq=False)
class KeyUse:
    """A call that consumes the key held by ``name``."""

    name: str
    argument: cst.Name  # the key as the call is given it
    site: CallSite
    consumer: str  # what consumes it, for messages: `jax.random.normal`, `init(key=...)`
    sampler: bool  # consumed on evidence (jax.random, or a helper that consumes it)


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
    if random is None:
        return None
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
