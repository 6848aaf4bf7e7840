"""Which functions of a file, traced from other files only, could hold a finding.

A file that nothing in it traces (no transformation named, see
:mod:`jaxlint.project.prefilter`) may still have functions that other files trace (the
project index's word). The rules about traced code then look only at those functions and
at what they reach in the file, and since their parameters stay unknown there (their
values are decided by the caller's file, see :mod:`jaxlint.model.tracing`), a rule can
only report on what the region itself shows:

- a ``global`` or ``nonlocal`` statement, an item or attribute store, or a call of a
  mutating method (``.append``: JL002, JL001);
- a name that may denote something of the JAX ecosystem, NumPy or SciPy (the only sources
  of traced values and arrays there, and what JL006, JL007, JL011, JL016 to JL018 look
  at), a print, logging or clock call, a logger or path factory, a host effect or a host
  random draw (JL004; a logger's or path's methods need the factory where the receiver is
  bound, which is then in the region too);
- a read of a module-level name that the module rebinds (JL010).

The region is over-approximated: every function, class and module-level binding whose
name the region mentions (as a name or an attribute, ``self.helper``) is in it, and a
traced method brings its whole class. A *unit* is a top-level function, a class or the
module-level statements binding one name; :func:`clean_units` returns the units whose
region shows none of the above, which is all the pre-filter keeps of a file (it is small,
and crosses to worker processes with the verdict).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator

from jaxlint.facts import jaxfacts as jf
from jaxlint.syntax.chains import chain_parts
from jaxlint.syntax.imports import imported_names

#: ``denoted(chains)``: the canonical names the chains may denote (the pre-filter's
#: resolution of names through the whole file's imports and aliases).
Denoted = Callable[[Iterable[list[str]]], Iterable[str]]

#: Names whose mention in a traced function lets its file reach the rules.
EFFECT_NAMES = frozenset(
    {
        *jf.PRINT_CALLS,
        *jf.HOST_EFFECT_CALLS,
        *jf.LOGGING_CALLS,
        *jf.LOGGER_FACTORIES,
        *jf.PATH_CONSTRUCTORS,
        *jf.CLOCK_CALLS,
        *jf.TIMING_CALLS,
    }
)
#: Where the model finds traced values and arrays, or rules find host randomness: the
#: public JAX API (every fact is keyed by a public name, and ``jax._src`` paths that
#: re-export it are read as it, see ``jf.canonical``), the rest of the ecosystem, and
#: random number generators of the host. jax's private helpers (``jax._src.dtypes``) are
#: not: a call of one gives an unknown value, as any other library's does.
VALUE_PREFIXES = (
    *(module + "." for module in jf.JAX_ECOSYSTEM if module != "jax"),
    *jf.HOST_RANDOM_NAMESPACES,
)
_JAX, _PRIVATE_JAX = "jax.", "jax._src."


def _evidence(name: str) -> bool:
    """Whether the canonical ``name``, mentioned in a traced region, lets its file
    through: an effect, a value source, or a tracer class (``isinstance(x, core.Tracer)``
    is how code tells tracers apart)."""
    if name in EFFECT_NAMES or name.startswith(VALUE_PREFIXES):
        return True
    if name.startswith(_JAX):
        return not name.startswith(_PRIVATE_JAX) or name.endswith("Tracer")
    return False


#: Statements that declare outer names.
_DECLARATIONS = (ast.Global, ast.Nonlocal)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Unit:
    """What one unit shows by itself, and the names it mentions."""

    def __init__(self) -> None:
        self.nodes: list[ast.AST] = []
        self.tainted = False  # shows some evidence by itself (or could not be read)


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, and those in the arms of module-level compound ones."""
    for statement in body:
        yield statement
        if isinstance(statement, _DEFINITIONS):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _module_statements(getattr(statement, field, None) or [])
        for arm in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
            yield from _module_statements(arm.body)


def _header(statement: ast.stmt) -> list[ast.AST]:
    """What a compound statement evaluates or binds itself (its arms are apart); a simple
    statement whole."""
    if isinstance(statement, ast.If | ast.While):
        return [statement.test]
    if isinstance(statement, ast.For | ast.AsyncFor):
        return [statement.target, statement.iter]
    if isinstance(statement, ast.With | ast.AsyncWith):
        return list(statement.items)
    if isinstance(statement, ast.Match):
        return [statement.subject, *(case.pattern for case in statement.cases)]
    handlers = getattr(statement, "handlers", None)
    if handlers is not None:  # try and try*: each handler whole (its name, its type)
        return list(handlers)
    return [statement]


def _bound_names(node: ast.AST) -> set[str]:
    """Names a module-level statement (or header) binds, walrus and patterns included."""
    bound: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
            bound.add(inner.id)
        elif isinstance(inner, ast.MatchAs | ast.MatchStar) and inner.name:
            bound.add(inner.name)
        elif isinstance(inner, ast.MatchMapping) and inner.rest:
            bound.add(inner.rest)
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            bound.add(inner.name)
        elif isinstance(inner, ast.Import | ast.ImportFrom):
            bound.update(local for local, _ in imported_names(inner))
    return bound


def _rebound_names(tree: ast.Module) -> set[str]:
    """Module-level names bound by value more than once (or by ``+=``, a ``for`` loop),
    or declared ``global`` anywhere: what JL010 may call stale."""
    count: dict[str, int] = {}
    rebound: set[str] = set()
    for statement in _module_statements(tree.body):
        if isinstance(statement, ast.AugAssign | ast.For | ast.AsyncFor):
            rebound |= _bound_names(statement.target)
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            for name in _bound_names(statement):
                count[name] = count.get(name, 0) + 1
    rebound |= {name for name, seen in count.items() if seen > 1}
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            rebound.update(node.names)
    return rebound


def clean_units(tree: ast.Module, denoted: Denoted) -> frozenset[str]:
    """The units (top-level function and class names) whose region, as the module
    docstring says, shows nothing a rule about traced code looks at."""
    units: dict[str, _Unit] = {}
    methods: dict[str, set[str]] = {}  # method name -> classes defining one
    functions: set[str] = set()
    for statement in _module_statements(tree.body):
        if isinstance(statement, _DEFINITIONS):
            unit = units.setdefault(statement.name, _Unit())
            unit.nodes.append(statement)
            if isinstance(statement, ast.ClassDef):
                for item in statement.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        methods.setdefault(item.name, set()).add(statement.name)
            else:
                functions.add(statement.name)
            continue
        header = _header(statement)
        for node in header:
            for name in _bound_names(node):
                units.setdefault(name, _Unit()).nodes.extend(header)
    rebound = _rebound_names(tree)
    mentions: dict[str, set[str]] = {}
    for name, unit in units.items():
        reader = _Reader(denoted)
        unit.tainted = any(reader.read(root, reader.fresh_of(root)) for root in unit.nodes)
        mentioned = reader.mentioned
        if not unit.tainted:
            unit.tainted = bool(mentioned & rebound) or any(map(_evidence, denoted(reader.chains)))
        reached = {other for other in mentioned if other in units}
        for method in mentioned:
            reached |= methods.get(method, set())
        reached.discard(name)
        mentions[name] = reached
    tainted = {name for name, unit in units.items() if unit.tainted}
    changed = True
    while changed:  # a unit reaching a tainted one is tainted
        changed = False
        for name, reached in mentions.items():
            if name not in tainted and not reached.isdisjoint(tainted):
                tainted.add(name)
                changed = True
    classes = {name for names in methods.values() for name in names}
    return frozenset((functions | classes) - tainted)


#: Nodes that open a scope of their own: names bound there are not the function's.
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
#: Builtins that make a new container of their own (a copy when given one).
_CONTAINER_BUILTINS = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray"}
)


class _Reader:
    """One unit's walk: the chains and names it mentions, and whether it shows a store,
    a declaration or a mutating call by itself (True from :meth:`read`). A store into a
    container the same function made (``out = []; out.append(x)``, ``d = {}; d[k] = v``)
    is no evidence: neither a rule about outer state (JL002) nor one about arrays (JL001,
    whose arrays need a JAX name, evidence anyway) looks at it."""

    def __init__(self, denoted: Denoted) -> None:
        self.denoted = denoted
        self.chains: list[list[str]] = []
        self.mentioned: set[str] = set()

    def read(self, root: ast.AST, fresh: frozenset[str] = frozenset()) -> bool:
        """Walk ``root``, where the names in ``fresh`` hold containers made right there."""
        stack: list[ast.AST] = [root]
        while stack:
            node = stack.pop()
            if node is not root and isinstance(node, _SCOPES):
                if self.read(node, self.fresh_of(node)):
                    return True
                continue
            if self.shows_evidence(node, fresh):
                return True
            if isinstance(node, ast.Name | ast.Attribute):
                parts = chain_parts(node)
                if parts is not None:
                    self.chains.append(parts)
            stack.extend(ast.iter_child_nodes(node))
        return False

    def shows_evidence(self, node: ast.AST, fresh: frozenset[str]) -> bool:
        if isinstance(node, ast.Name):
            self.mentioned.add(node.id)
        elif isinstance(node, ast.Attribute | ast.Subscript):
            if isinstance(node, ast.Attribute):
                self.mentioned.add(node.attr)
            if not isinstance(node.ctx, ast.Load):
                return not _on_fresh(node.value, fresh)
        elif isinstance(node, _DECLARATIONS):
            return True
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in jf.MUTATING_METHODS:
                return not _on_fresh(func.value, fresh)
        return False

    def fresh_of(self, node: ast.AST) -> frozenset[str]:
        """The fresh containers of ``node``'s scope: none but a function's."""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return self.fresh_locals(node)
        return frozenset()

    def fresh_locals(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
        """The function's own names bound only (and directly) to a new container: a
        display, a comprehension or ``list(...)``-style builtin; not a parameter."""
        values: dict[str, bool] = {}
        stack: list[ast.AST] = list(function.body)
        while stack:
            node = stack.pop()
            if isinstance(node, _SCOPES):
                continue
            if isinstance(node, ast.Assign) and all(
                isinstance(target, ast.Name) for target in node.targets
            ):
                made = self.makes_container(node.value)
                for target in node.targets:
                    values[target.id] = values.get(target.id, True) and made  # type: ignore[attr-defined]
                stack.append(node.value)
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                values[node.id] = False
            elif isinstance(node, _DECLARATIONS):
                values.update(dict.fromkeys(node.names, False))
            elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
                if node.name:
                    values[node.name] = False
            elif isinstance(node, ast.Import | ast.ImportFrom):
                values.update(dict.fromkeys((local for local, _ in imported_names(node)), False))
            stack.extend(ast.iter_child_nodes(node))
        arguments = function.args
        parameters = {
            argument.arg
            for argument in (
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                arguments.vararg,
                arguments.kwarg,
            )
            if argument is not None
        }
        return frozenset(name for name, made in values.items() if made and name not in parameters)

    def makes_container(self, value: ast.expr) -> bool:
        if isinstance(value, _DISPLAYS):
            return True
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return set(self.denoted([[value.func.id]])) <= _CONTAINER_BUILTINS
        return False


def _on_fresh(receiver: ast.expr, fresh: frozenset[str]) -> bool:
    """Whether ``receiver`` is, itself, a name holding a container its function made."""
    return isinstance(receiver, ast.Name) and receiver.id in fresh


def region_is_clean(clean: frozenset[str], traced: Iterable[str]) -> bool:
    """Whether every function in ``traced`` (qualified names: ``step``,
    ``Model.__call__``) is in a clean unit."""
    return all(qualname.partition(".")[0] in clean for qualname in traced)
