"""Which rules could report on a file, decided from Python's own syntax tree.

CPython's parser is about ten times faster than libcst's, and in a typical JAX project
many files hold nothing a rule could flag: no function is traced and none of the
constructs that the rules firing outside traced code look at is there. Such a file needs
no libcst tree, no semantic model and no rule run (JL000 is decided by CPython's parser,
as for files that do not import JAX).

The verdict must be conservative: a rule is ruled out only when the tree proves it cannot
report, from the facts the rules and the model rely on (:mod:`jaxlint.jaxfacts`), with
names resolved as ``SemanticModel.qualified_name`` does but over-approximated (every
import or assignment of a name, in any scope, is a value it may have):

- traced code (JL002, JL004, JL006, JL007; JL003's jit-like calls; array parameters for
  JL001) needs a transformation, a configured traced decorator or a flax module base
  named in a decorator, in the callee of a call with arguments, or in a class's bases,
  or a ``defjvp``-style registration;
- JL001 needs an item assignment whose key is not a string, on something that could be a
  JAX array: traced code, or a name from the JAX array namespaces, calls or annotations,
  or an ``.at[...]`` update, somewhere in the file;
- JL005 needs a ``jax.random`` name or a PRNG key annotation somewhere in the file;
- JL008 needs an ``x.at[...].op(...)`` expression statement.

Functions traced from other files are the caller's to account for (see
:mod:`jaxlint.project`): with any, every rule may report.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator

from jaxlint import jaxfacts as jf

#: Off: every file that may hold JAX code is parsed by libcst (tests compare the two).
ENABLED = True
#: Rules that report only inside functions a transformation traces.
TRACED_CODE_CODES = frozenset({"JL002", "JL004", "JL006", "JL007"})
#: With a traced function (or a transformation call) in sight, these may report.
TRANSFORM_CODES = TRACED_CODE_CODES | {"JL003"}
#: The rules whose candidates this module knows.
KNOWN_CODES = TRANSFORM_CODES | {"JL001", "JL005", "JL008"}
#: Rounds of alias propagation (``a = b.c`` chains) before giving up on a proof.
MAX_ALIAS_ROUNDS = 12

_ARRAY_NAMES = jf.ARRAY_CALLS | jf.ARRAY_ANNOTATIONS
_ARRAY_PREFIXES = (*jf.ARRAY_NAMESPACES, jf.JAXTYPING_MODULE + ".")
_RANDOM_PREFIXES = ("jax.random.",)


def _chain(node: ast.expr) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything but names and attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


def _chains(root: ast.AST) -> Iterator[list[str]]:
    """The longest name/attribute chains in an expression (``f(jax.jit)`` -> [f],
    [jax, jit])."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Attribute | ast.Name):
            parts = _chain(node)
            if parts is not None:
                yield parts
                continue
        stack.extend(ast.iter_child_nodes(node))


def _store_targets(target: ast.expr) -> Iterator[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _store_targets(element)
    elif isinstance(target, ast.Starred):
        yield from _store_targets(target.value)
    else:
        yield target


def _string_keyed(subscript: ast.Subscript) -> bool:
    """``d["w"] = v``: a dict, never an array (JL001 skips any level keyed so). A tuple
    key reads the same with or without brackets here, so it is never taken as one."""
    index = subscript.slice
    return isinstance(index, ast.JoinedStr) or (
        isinstance(index, ast.Constant) and isinstance(index.value, str | bytes)
    )


def _array_store(target: ast.expr) -> bool:
    """An item assignment JL001 would look at: no level of ``x[i][j]`` string-keyed."""
    if not isinstance(target, ast.Subscript):
        return False
    level: ast.expr = target
    while isinstance(level, ast.Subscript):
        if _string_keyed(level):
            return False
        level = level.value
    return True


def _discarded_at_update(statement: ast.Expr) -> bool:
    """``x.at[i].set(v)`` as a statement of its own (JL008)."""
    call = statement.value
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in jf.AT_UPDATE_METHODS
        and isinstance(func.value, ast.Subscript)
        and isinstance(func.value.value, ast.Attribute)
        and func.value.value.attr == "at"
    )


class _GaveUp(Exception):
    """Aliases did not settle: no proof, every rule may report."""


class _Scan:
    """One pass over a tree, collecting what the verdicts need."""

    def __init__(self) -> None:
        self.imported: dict[str, set[str]] = {}  # local name -> dotted paths imported
        self.assigned: list[tuple[str, list[str]]] = []  # name = a.b.c, in any scope
        self.chains: list[list[str]] = []  # every longest chain of the file
        self.tracing_chains: list[list[str]] = []  # in decorators, callees, class bases
        self.array_store = False
        self.at_statement = False
        self.at_attribute = False
        self.values: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ collecting

    def run(self, tree: ast.AST) -> None:
        stack: list[ast.AST] = [tree]
        pop, extend = stack.pop, stack.extend
        chains = self.chains
        attribute, name = ast.Attribute, ast.Name
        while stack:
            node = pop()
            kind = node.__class__
            if kind is attribute or kind is name:
                parts = _chain(node)  # type: ignore[arg-type]
                if parts is not None:
                    chains.append(parts)
                    if "at" in parts[1:]:
                        self.at_attribute = True
                    continue
                if kind is attribute and node.attr == "at":  # type: ignore[attr-defined]
                    self.at_attribute = True  # f(x).at[...]
            elif kind is ast.Call:
                if node.args or node.keywords:  # type: ignore[attr-defined]
                    self.tracing_chains.extend(_chains(node.func))  # type: ignore[attr-defined]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                for decorator in node.decorator_list:  # type: ignore[attr-defined]
                    self.tracing_chains.extend(_chains(decorator))
            elif kind is ast.ClassDef:
                for base in node.bases:  # type: ignore[attr-defined]
                    self.tracing_chains.extend(_chains(base))
            elif kind is ast.Assign:
                self.store(node.targets, node.value)  # type: ignore[attr-defined]
            elif kind is ast.AugAssign or kind is ast.AnnAssign:
                self.store([node.target], node.value)  # type: ignore[attr-defined]
            elif kind is ast.NamedExpr:
                self.store([node.target], node.value)  # type: ignore[attr-defined]
            elif kind is ast.Expr:
                if not self.at_statement and _discarded_at_update(node):  # type: ignore[arg-type]
                    self.at_statement = True
            elif kind is ast.Import:
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.asname:
                        self.imported.setdefault(alias.asname, set()).add(alias.name)
                    else:  # ``import a.b`` binds ``a``
                        top = alias.name.split(".")[0]
                        self.imported.setdefault(top, set()).add(top)
            elif kind is ast.ImportFrom:
                base = "." * node.level + (node.module or "")  # type: ignore[attr-defined]
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.name != "*":
                        full = f"{base}.{alias.name}" if node.module else base + alias.name  # type: ignore[attr-defined]
                        self.imported.setdefault(alias.asname or alias.name, set()).add(full)
            extend(ast.iter_child_nodes(node))

    def store(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        source = _chain(value) if value is not None else None
        for target in targets:
            for leaf in _store_targets(target):
                if isinstance(leaf, ast.Name):
                    if source is not None:
                        self.assigned.append((leaf.id, source))
                elif not self.array_store and _array_store(leaf):
                    self.array_store = True

    # ------------------------------------------------------------------ resolving

    def settle(self) -> None:
        """What each imported or assigned name may stand for: canonical dotted names."""
        values = {
            name: {jf.canonical(path) for path in paths} for name, paths in self.imported.items()
        }
        self.values = values
        for _ in range(MAX_ALIAS_ROUNDS):
            changed = False
            for name, source in self.assigned:
                found = self.resolve(source)
                if found:
                    known = values.setdefault(name, set())
                    if not found <= known:
                        known |= found
                        changed = True
            if not changed:
                return
        raise _GaveUp

    def resolve(self, parts: list[str]) -> set[str]:
        """The canonical names a chain may denote (unbound names: ``builtins.x``)."""
        names = self.values.get(parts[0])
        current = {"builtins." + parts[0], *(names or ())}
        for attribute in parts[1:]:
            current = {
                jf.canonical(f"{base}.{attribute}")
                for base in current
                if not base.startswith("builtins.")
            }
            if not current:
                break
        return current

    def denotes(
        self, chains: Iterable[list[str]], names: Iterable[str], prefixes: tuple[str, ...] = ()
    ) -> bool:
        """Whether some chain may denote one of ``names``, or a name under ``prefixes``."""
        wanted = frozenset(names)
        values = self.values
        for parts in chains:
            if parts[0] not in values and len(parts) > 1:
                continue  # an attribute of a builtin or a local: never a JAX name
            for found in self.resolve(parts):
                if found in wanted or (prefixes and found.startswith(prefixes)):
                    return True
        return False


def _traced_possible(scan: _Scan, traced_decorators: frozenset[str]) -> bool:
    if any(len(parts) > 1 and parts[-1] in jf.CUSTOM_RULE_METHODS for parts in scan.tracing_chains):
        return True
    return scan.denotes(
        scan.tracing_chains, (*jf.TRANSFORMS, *jf.TRACED_MODULE_BASES, *traced_decorators)
    )


def reportable_codes(tree: ast.AST, traced_decorators: Iterable[str] = ()) -> frozenset[str]:
    """The codes of the model rules that could report on the file ``tree`` is (never
    JL000, the parser's), not counting functions traced from other files."""
    scan = _Scan()
    scan.run(tree)
    try:
        scan.settle()
    except _GaveUp:
        return KNOWN_CODES
    codes: set[str] = set()
    traced = _traced_possible(scan, frozenset(traced_decorators))
    if traced:
        codes |= TRANSFORM_CODES
    if scan.array_store and (
        traced or scan.at_attribute or scan.denotes(scan.chains, _ARRAY_NAMES, _ARRAY_PREFIXES)
    ):
        codes.add("JL001")
    if scan.denotes(scan.chains, jf.KEY_ANNOTATIONS, _RANDOM_PREFIXES):
        codes.add("JL005")
    if scan.at_statement:
        codes.add("JL008")
    return frozenset(codes)


def could_report(
    tree: ast.AST, codes: Iterable[str], traced_decorators: Iterable[str] = ()
) -> bool:
    """Whether a rule among ``codes`` could report on the file ``tree`` is (JL000 aside).
    A rule this module does not know (a new one) always could."""
    wanted = set(codes) - {"JL000"}
    if not wanted:
        return False
    if not wanted <= KNOWN_CODES:
        return True
    return not reportable_codes(tree, traced_decorators).isdisjoint(wanted)


def python_tree(source: bytes) -> ast.Module | None:
    """CPython's syntax tree of ``source`` (nothing compiled or run), or None when it does
    not parse (the caller's full path then reports JL000, or why libcst cannot)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escapes: not ours to report
            tree = compile(source, "<jaxlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except Exception:  # noqa: BLE001 - any failure sends the file down the full path
        return None
    return tree  # type: ignore[no-any-return]
