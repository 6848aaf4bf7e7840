"""Which rules could report on a file, decided from Python's own syntax tree.

CPython's parser is about ten times faster than libcst's, and in a typical JAX project
many files hold nothing a rule could flag: no function is traced and none of the
constructs that the rules firing outside traced code look at is there. Such a file needs
no libcst tree, no semantic model and no rule run (JL000 is decided by CPython's parser,
as for files that do not import JAX).

Rules say what they need: each declares its :class:`~jaxlint.rules.triggers.Trigger`
set (``Rule.triggers``, any one suffices; none declared, it always runs). This module
decides which triggers a file shows (:func:`shown_triggers`), and a file is modelled
when some enabled rule's trigger is among them (:func:`could_report`).

The verdict must be conservative: a trigger is ruled out only when the tree proves it
absent, from the facts the rules and the model rely on (:mod:`jaxlint.facts.jaxfacts`),
with names resolved as ``SemanticModel.qualified_name`` does but over-approximated (every
import or assignment of a name, in any scope, is a value it may have; aliases that do not
settle show every trigger). What each trigger stands for is documented with it.

Functions traced from other files are the caller's to account for (see
:mod:`jaxlint.project.index`): with any, every rule may report.

Three pre-filters, three readings of the same facts (:mod:`jaxlint.facts.jaxfacts`):

1. :func:`jaxlint.driver.source.looks_like_jax`, a regular expression over the text,
   decides whether any rule runs: an import from the JAX ecosystem
   (``JAX_ECOSYSTEM``), a relative import or one of the project's own top-level
   modules, an ``.at[`` update (``AT_PROPERTY``), or configured traced decorators.
   Functions traced from other files (the project index's word) override it.
2. :func:`jaxlint.project.index.names_a_transformation`, a regular expression over the
   bytes, skips nothing: it picks the files the project index parses before it knows
   what other files trace, those naming a transformation that can root a trace (the
   last part of a ``TRANSFORMS`` name) or a configured traced decorator. The index
   hands the CPython trees it makes to stage 3 (:func:`remember`), so the linter does
   not parse those files again.
3. This module, over CPython's tree, decides which enabled rules could report, for a
   file that passed stage 1 and that no other file traces into.

Every linted file is parsed by CPython anyway (for JL000), so stage 1 spares not a
parse but stage 3's walk and name resolution, in a fraction of their time, and it is
also what :meth:`FileLinter.diagnose <jaxlint.driver.engine.FileLinter.diagnose>` asks
where no CPython tree is at hand. Stage 2 answers another question (where traces may
start) before any verdict is wanted. Folding either into stage 3 would cost the cold run
a tree scan of every file they turn away, so both stay regular expressions, with their
names read from the facts rather than typed again.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jaxlint.facts import jaxfacts as jf
from jaxlint.project import regions
from jaxlint.rules.base import Rule
from jaxlint.rules.triggers import ALL_TRIGGERS, Trigger
from jaxlint.syntax import compiled
from jaxlint.syntax.chains import chain_parts
from jaxlint.syntax.compiled import Refusal
from jaxlint.syntax.imports import imported_names

#: Off: every file that may hold JAX code is parsed by libcst (tests compare the two).
ENABLED = True
#: Rounds of alias propagation (``a = b.c`` chains) before giving up on a proof.
MAX_ALIAS_ROUNDS = 12

_ARRAY_NAMES = jf.ARRAY_CALLS | jf.ARRAY_ANNOTATIONS
_ARRAY_PREFIXES = (*jf.ARRAY_NAMESPACES, jf.JAXTYPING_MODULE + ".")
_RANDOM_PREFIXES = (jf.RANDOM_NAMESPACE,)


def _chains(root: ast.AST) -> Iterator[list[str]]:
    """The longest name/attribute chains in an expression (``f(jax.jit)`` -> [f],
    [jax, jit])."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Attribute | ast.Name):
            parts = chain_parts(node)
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
    """An item assignment JL001 would look at: no level of ``x[i][j]`` string-keyed, or an
    array-only index (``[:, 0]``) on a string-keyed part (``state["vel"][:, 0]``)."""
    if not isinstance(target, ast.Subscript):
        return False
    level: ast.expr = target
    outer: ast.Subscript | None = None
    while isinstance(level, ast.Subscript):
        if _string_keyed(level):
            return outer is not None and _array_only_index(outer)
        outer = level
        level = level.value
    return True


def _array_only_index(subscript: ast.Subscript) -> bool:
    """``[:, 0]``, ``[..., 1]``, ``[None, :]`` (mirrors ``model.array_only_index``)."""
    index = subscript.slice
    return (
        isinstance(index, ast.Tuple)
        and len(index.elts) > 1
        and any(
            isinstance(e, ast.Slice) or (isinstance(e, ast.Constant) and e.value in (None, ...))
            for e in index.elts
        )
    )


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
        and func.value.value.attr == jf.AT_PROPERTY
    )


def _target_rebound(loop: ast.For | ast.AsyncFor) -> bool:
    """A name of the loop's target assigned in its body (JL008's lost loop updates)."""
    names = {leaf.id for leaf in _store_targets(loop.target) if isinstance(leaf, ast.Name)}
    if not names:
        return False
    for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id in names:
                return True
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    return True
    return False


def _node_classes(root: type[ast.AST]) -> Iterator[type[ast.AST]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _node_classes(cls)


#: The node classes worth descending into: all but constants and load/store markers.
_WALKED = frozenset(_node_classes(ast.AST)) - {
    ast.Constant,
    ast.expr_context,
    *_node_classes(ast.expr_context),
}


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
        self.statement_methods: set[str] = set()  # `x.astype(...)` as a statement
        self.statement_callees: list[list[str]] = []  # `jnp.clip(...)` as a statement
        self.loop_target_update = False
        self.at_attribute = False
        self.display = False  # a list or tuple display or comprehension (JL012)
        self.values: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ collecting

    def run(self, tree: ast.AST) -> None:
        handlers = {
            ast.Call: self.visit_call,
            ast.FunctionDef: self.visit_function,
            ast.AsyncFunctionDef: self.visit_function,
            ast.ClassDef: self.visit_class,
            ast.Assign: self.visit_assign,
            ast.AugAssign: self.visit_single_store,
            ast.AnnAssign: self.visit_single_store,
            ast.NamedExpr: self.visit_single_store,
            ast.Expr: self.visit_expression_statement,
            ast.For: self.visit_for,
            ast.AsyncFor: self.visit_for,
            ast.Import: self.visit_import,
            ast.ImportFrom: self.visit_import,
        }
        stack: list[object] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        chains = self.chains
        attribute, name, listed, at = ast.Attribute, ast.Name, list, jf.AT_PROPERTY
        displays = _DISPLAYS
        while stack:
            node = pop()
            kind = node.__class__
            if kind is name:
                chains.append([node.id])  # type: ignore[attr-defined]
                continue
            if kind is attribute:
                parts = chain_parts(node)  # type: ignore[arg-type]
                if parts is not None:
                    chains.append(parts)
                    if at in parts:
                        self.at_attribute = True
                    continue
                if node.attr == at:  # type: ignore[attr-defined]
                    self.at_attribute = True  # f(x).at[...]
            elif kind not in _WALKED:
                continue  # a string, None, a constant or a load/store marker
            else:
                handler = handlers.get(kind)
                if handler is not None:
                    handler(node)
                elif kind in displays:
                    self.display = True
            for field in kind._fields:  # type: ignore[attr-defined]
                value = getattr(node, field)
                if value.__class__ is listed:
                    extend(value)
                else:
                    push(value)

    def visit_call(self, node: ast.Call) -> None:
        if node.args or node.keywords:
            self.tracing_chains.extend(_chains(node.func))

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.tracing_chains.extend(_chains(decorator))

    def visit_class(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            self.tracing_chains.extend(_chains(base))

    def visit_assign(self, node: ast.Assign) -> None:
        self.store(node.targets, node.value)

    def visit_single_store(self, node: ast.AugAssign | ast.AnnAssign | ast.NamedExpr) -> None:
        self.store([node.target], node.value)

    def visit_expression_statement(self, node: ast.Expr) -> None:
        call = node.value
        if isinstance(call, ast.Call):
            parts = chain_parts(call.func)
            if parts is not None:
                self.statement_callees.append(parts)
            if isinstance(call.func, ast.Attribute):
                self.statement_methods.add(call.func.attr)
        if not self.at_statement and _discarded_at_update(node):
            self.at_statement = True

    def visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        if not self.loop_target_update and _target_rebound(node):
            self.loop_target_update = True

    def visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        # Relative imports keep their dots: no package is known here, and none is needed
        # (a relative name is never a JAX name).
        for local, target in imported_names(node):
            self.imported.setdefault(local, set()).add(target)

    def store(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        source = chain_parts(value) if value is not None else None
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
        return any(
            found in wanted or (prefixes and found.startswith(prefixes))
            for found in self.denoted(chains)
        )

    def denoted(self, chains: Iterable[list[str]]) -> Iterator[str]:
        """The canonical names the chains may denote, but for attributes of builtins and
        of locals (never a library's name)."""
        values = self.values
        for parts in chains:
            if parts[0] not in values and len(parts) > 1:
                continue  # an attribute of a builtin or a local: never a JAX name
            yield from self.resolve(parts)


def _traced_possible(scan: _Scan, traced_decorators: frozenset[str]) -> bool:
    if any(len(parts) > 1 and parts[-1] in jf.CUSTOM_RULE_METHODS for parts in scan.tracing_chains):
        return True
    return scan.denotes(
        scan.tracing_chains,
        (*jf.TRANSFORMS, *jf.APPLIED_ON_TRACERS, *jf.TRACED_MODULE_BASES, *traced_decorators),
    )


@dataclass(frozen=True)
class Verdict:
    """What the pre-filter reads in a file: the triggers it shows by itself, those it
    shows once some of its functions are traced from other files (traced code, with
    arrays in sight), and its units (:mod:`jaxlint.project.regions`) where such a function
    may be with nothing that tracing makes a rule look at. No clean units are worked out
    where the file shows traced code by itself: the triggers say all there."""

    shown: frozenset[Trigger]
    shown_when_traced: frozenset[Trigger]
    #: None until asked for (:func:`with_regions`): few files are traced from elsewhere.
    clean_units: frozenset[str] | None = None

    def needs_regions(
        self, rules: Iterable[Rule | type[Rule]], traced_from_elsewhere: Iterable[str] = ()
    ) -> bool:
        """Whether :meth:`may_report` turns on clean units not worked out yet."""
        rules = tuple(rules)
        return (
            self.clean_units is None
            and any(True for _ in traced_from_elsewhere)
            and not could_report(self.shown, rules)
            and could_report(self.shown_when_traced, rules)
        )

    def may_report(
        self, rules: Iterable[Rule | type[Rule]], traced_from_elsewhere: Iterable[str] = ()
    ) -> bool:
        """Whether one of ``rules`` could report on the file, whose functions named in
        ``traced_from_elsewhere`` (qualified names) other files trace."""
        rules = tuple(rules)
        if could_report(self.shown, rules):
            return True
        traced = tuple(traced_from_elsewhere)
        # What tracing adds (traced code, arrays in sight) is all in the traced region:
        # where it shows no store, effect, JAX name or stale read, it adds nothing.
        return (
            bool(traced)
            and could_report(self.shown_when_traced, rules)
            and not regions.region_is_clean(self.clean_units or frozenset(), traced)
        )


#: A file whose aliases do not settle: every trigger, no clean unit.
UNSETTLED = Verdict(ALL_TRIGGERS, ALL_TRIGGERS, frozenset())


def shown_triggers(tree: ast.AST, traced_decorators: Iterable[str] = ()) -> frozenset[Trigger]:
    """The triggers the file parsed into ``tree`` may show (all of them where aliases do
    not settle), not counting functions traced from other files."""
    return file_verdict(tree, traced_decorators).shown


def file_verdict(tree: ast.AST, traced_decorators: Iterable[str] = ()) -> Verdict:
    """The :class:`Verdict` on the file parsed into ``tree``."""
    scan = _Scan()
    scan.run(tree)
    try:
        scan.settle()
    except _GaveUp:
        return UNSETTLED
    # A name is mostly read many times: each distinct chain is resolved once per question.
    chains = list({tuple(parts): parts for parts in scan.chains}.values())
    traced = _traced_possible(scan, frozenset(traced_decorators))
    shown = _shown(scan, chains, traced)
    if traced:
        return Verdict(shown, shown, frozenset())
    return Verdict(shown, _shown(scan, chains, True))


def with_regions(verdict: Verdict, tree: ast.AST) -> Verdict:
    """``verdict`` with its clean units worked out from the file's ``tree``."""
    if verdict.clean_units is not None or not isinstance(tree, ast.Module):
        return verdict
    scan = _Scan()
    scan.run(tree)
    try:
        scan.settle()
    except _GaveUp:
        return Verdict(ALL_TRIGGERS, ALL_TRIGGERS, frozenset())
    return Verdict(
        verdict.shown, verdict.shown_when_traced, regions.clean_units(tree, scan.denoted)
    )


def _shown(scan: _Scan, chains: list[list[str]], traced: bool) -> frozenset[Trigger]:
    """The triggers shown, where ``traced`` says whether some function may be traced."""
    shown: set[Trigger] = set()
    if traced:
        shown.add(Trigger.TRACED_CODE)
    array_names = scan.denotes(chains, _ARRAY_NAMES, _ARRAY_PREFIXES)
    if scan.array_store and (traced or scan.at_attribute or array_names):
        shown.add(Trigger.ARRAY_ITEM_STORE)
    if scan.denotes(chains, jf.KEY_ANNOTATIONS, _RANDOM_PREFIXES):
        shown.add(Trigger.RANDOM_KEY_NAME)
    if scan.at_statement:
        shown.add(Trigger.AT_UPDATE_STATEMENT)
    arrays = (
        traced
        or scan.at_attribute
        or array_names
        or scan.denotes(chains, jf.RESULT_ONLY_CALLS.keys())
    )
    if arrays and scan.loop_target_update:
        shown.add(Trigger.LOOP_TARGET_UPDATE)
    if (arrays and scan.statement_methods & jf.RESULT_ONLY_ARRAY_METHODS) or scan.denotes(
        scan.statement_callees, jf.RESULT_ONLY_CALLS, _ARRAY_PREFIXES
    ):
        shown.add(Trigger.ARRAY_CALL_STATEMENT)
    if array_names and scan.display:
        shown.add(Trigger.ARRAY_FUNCTION_AND_DISPLAY)  # a jax.numpy function, maybe given a list
    if scan.denotes(chains, jf.CLOCK_CALLS | jf.TIMING_CALLS):
        shown.add(Trigger.CLOCK_READ)
    return frozenset(shown)


#: A list or tuple display or comprehension: what JL012 looks for.
_DISPLAYS = frozenset({ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp})


def could_report(shown: frozenset[Trigger], rules: Iterable[Rule | type[Rule]]) -> bool:
    """Whether one of ``rules`` could report on a file that shows the triggers ``shown``
    (:func:`shown_triggers`; JL000 aside, which is not a rule): a rule needs one of its
    declared triggers, and one that declares none (a new rule) always could."""
    return any(not rule.triggers or not rule.triggers.isdisjoint(shown) for rule in rules)


#: Verdicts by content: the project index parses most files with CPython's parser before
#: linting starts, and leaves its verdicts here, so the linter (in this process, or in
#: workers forked after the index was built) need not parse those files again.
_REMEMBERED: dict[tuple[bytes, frozenset[str]], Verdict] = {}
MAX_REMEMBERED = 100_000


def content_digest(source: bytes) -> bytes:
    """The key verdicts are remembered under."""
    return hashlib.blake2b(source, digest_size=16).digest()


def remember_verdict(digest: bytes, traced_decorators: Iterable[str], verdict: Verdict) -> None:
    """Record the :func:`file_verdict` on the bytes whose :func:`content_digest` is
    ``digest`` (which parse with CPython's parser)."""
    if len(_REMEMBERED) >= MAX_REMEMBERED:
        _REMEMBERED.clear()
    _REMEMBERED[digest, frozenset(traced_decorators)] = verdict


def remember(source: bytes, tree: ast.AST, traced_decorators: Iterable[str] = ()) -> None:
    """Record the verdict for ``source``, whose CPython syntax tree ``tree`` is."""
    verdict = file_verdict(tree, traced_decorators)
    remember_verdict(content_digest(source), traced_decorators, verdict)


def remembered_verdict(source: bytes, traced_decorators: Iterable[str] = ()) -> Verdict | None:
    """The verdict :func:`remember` recorded for exactly these bytes (which then parse
    with CPython's parser), or None."""
    if not _REMEMBERED:
        return None
    return _REMEMBERED.get((content_digest(source), frozenset(traced_decorators)))


def remembered(source: bytes, traced_decorators: Iterable[str] = ()) -> frozenset[Trigger] | None:
    """The triggers of the verdict :func:`remember` recorded for these bytes, or None."""
    verdict = remembered_verdict(source, traced_decorators)
    return None if verdict is None else verdict.shown


def python_tree(source: bytes, *, compiles: bool = True) -> ast.Module | Refusal:
    """CPython's syntax tree of ``source`` (nothing run), or why it must not reach libcst:
    it does not parse or compile, or nests too deep (see :mod:`jaxlint.syntax.compiled`)."""
    return compiled.python_tree(source, compiles=compiles)
