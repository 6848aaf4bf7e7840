"""The semantic model of one file: what the walk recorded, and the questions rules ask."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.lattices.arrays import ArrayFacts
from jaxlint.model.lattices.booleans import BooleanFacts
from jaxlint.model.lattices.containers import CONTAINERS, ContainerFacts
from jaxlint.model.lattices.flags import FlagFacts, FlagTest
from jaxlint.model.lattices.integers import KnownInts
from jaxlint.model.lattices.proofs import ArrayProof, array_proof
from jaxlint.model.lattices.refs import is_mutable_ref, ref_fact
from jaxlint.model.lattices.traced import GradTracedFacts, JvpTracedFacts, TracedFacts
from jaxlint.model.names import string_key
from jaxlint.model.records import (
    NOT_TRACED,
    Binding,
    BindingKind,
    Block,
    CallSite,
    ConditionSite,
    Fact,
    Loop,
    Point,
    Scope,
    ScopeKind,
    Site,
    Statement,
    StoreSite,
    TraceInfo,
    TransformForm,
)
from jaxlint.model.tracing import cst_transform_of
from jaxlint.model.view import ModelView
from jaxlint.syntax.literals import constant_key
from jaxlint.syntax.positions import node_spans


def _bound_constant(binding: Binding) -> str | None:
    """The constant a plain assignment binds (see :func:`constant_key`), else None."""
    if binding.kind not in (BindingKind.ASSIGN, BindingKind.ANNASSIGN) or binding.value is None:
        return None
    return constant_key(binding.value)


def plain_line_name(line: int) -> str:
    return f"line {line}"


class SemanticModel(ModelView):
    """What the rules ask about one file. Build with :func:`jaxlint.model.build_model`.

    Rules read the recorded sites (``calls``, ``subscript_stores``, ``conditions``, ...)
    and ask: names (:class:`NameResolver`), tracing (:meth:`trace`,
    :meth:`staged_function`, :meth:`transform_of`), values (:meth:`array_fact`,
    :meth:`array_proof`, :meth:`traced_fact`, :meth:`container_fact`, :meth:`is_mutable_ref`, :meth:`ref_fact`), control flow (:meth:`reaches`) and
    positions (:meth:`line_of`).
    """

    def __init__(self, module: cst.Module, traced_decorators: Iterable[str] = ()) -> None:
        super().__init__()
        self.module = module
        self.traced_decorators = frozenset(traced_decorators)
        self.module_scope = Scope(ScopeKind.MODULE, module, "<module>", "", None)
        self.scopes: list[Scope] = [self.module_scope]
        self.functions: list[Scope] = []
        self.classes: list[Scope] = []
        self.scope_of_node: dict[int, Scope] = {}
        self.subscript_stores: list[StoreSite] = []
        self.subscripts: list[Site] = []  # every ``x[...]`` in a function, read or written
        self.attribute_stores: list[StoreSite] = []
        #: every attribute load (``x.w``, not a store target), by attribute name
        self.attribute_loads: dict[str, list[cst.Attribute]] = {}
        self.global_writes: list[Site] = []
        self.calls: list[CallSite] = []
        self._call_sites: dict[int, CallSite] = {}  # id(Call) -> its site
        self.expression_statements: list[Site] = []
        self.decorated_defs: list[Site] = []  # FunctionDefs with decorators, with their loop
        self.conditions: list[ConditionSite] = []  # in source order, outer before inner
        #: ``for``/``while`` loops and comprehensions: their site (where the loop is,
        #: ``site.loop`` the one around it) and their record, in source order
        self.loops: list[tuple[Site, Loop]] = []
        self._ints: dict[int, int | None] = {}  # id(binding) -> its known int
        #: ``with`` statements: their site and the last ordinal of their body
        self.with_blocks: list[tuple[Site, int]] = []
        #: ``try`` statements: the scope whose code they are, and the ordinals their body
        #: spans, (start, end]
        self.try_bodies: list[tuple[Scope, int, int]] = []
        self._eager_blocks: list[tuple[Scope, int, int]] | None = None
        self._conditions_by_scope: dict[int, list[ConditionSite]] | None = None
        self._calls_by_callee: dict[int, list[CallSite]] | None = None
        #: module-level names other linted files rebind (``settings.scale = 2.0``) -> where
        self.external_rebound: dict[str, str] = {}
        #: imported names jitted in another linted file -> their literal argument options
        self.external_jitted: dict[str, Mapping[str, tuple[tuple[int, ...], tuple[str, ...]]]] = {}
        #: imported names that are classes of another linted file -> how instances hash
        self.external_classes: dict[str, str] = {}
        self.annotations: dict[int, cst.BaseExpression] = {}  # id(annotated Name) -> annotation
        #: id(scope) -> its body, the ordered view of its statements (see ``model/bodies.py``)
        self.bodies: dict[int, Block] = {}
        self._traces: dict[int, TraceInfo] = {}  # id(function scope) -> how it is traced
        self._string_keyed: dict[int, set[str]] = {}  # id(scope) -> names stored with "str" keys
        self._facts: dict[str, dict[int, Fact]] = {}  # lattice -> id(binding) -> answer
        self._lines: dict[int, int] = {}  # id(node) -> line, for nodes asked about
        #: How a message cites a line of the module: ``line 12``; a notebook's driver
        #: words it in the cell's terms (``cell 3, line 4``).
        self.line_names: Callable[[int], str] = plain_line_name
        #: For a notebook's code cells linted as one module: the cell a module line is in.
        self.cell_of: Callable[[int], int] | None = None
        self._shown: set[int] | None = None  # id(Expr) of each value a notebook shows

    def conditions_in(self, scope: Scope) -> list[ConditionSite]:
        """The conditions whose code is ``scope``'s own, in source order."""
        if self._conditions_by_scope is None:
            self._conditions_by_scope = {}
            for condition in self.conditions:
                self._conditions_by_scope.setdefault(id(condition.scope), []).append(condition)
        return self._conditions_by_scope.get(id(scope), [])

    def calls_reaching(self, function: Scope) -> list[CallSite]:
        """The calls in this file whose callee is ``function``."""
        if self._calls_by_callee is None:
            self._calls_by_callee = {}
            for site in self.calls:
                callee = site.callee
                if callee is not None:
                    self._calls_by_callee.setdefault(id(callee), []).append(site)
        return self._calls_by_callee.get(id(function), [])

    def calls_in_sight(self, function: Scope) -> list[CallSite] | None:
        """Every call of ``function`` (a plain function) when they are all its uses in
        this file: its name is read only as what those calls call. A method, or a function
        also passed as a value (to ``vmap``, ``map``, a callback), may be called out of
        sight: None."""
        node = function.node
        if function.enclosing_class() is not None or not isinstance(node, cst.FunctionDef):
            return None
        sites = self.calls_reaching(function)
        name = node.name.value
        loads = sum(len(scope.loads.get(name, ())) for scope in self.scopes)
        return sites if sites and loads == len(sites) else None

    def add_call(self, site: CallSite) -> None:
        self.calls.append(site)
        self._call_sites[id(site.node)] = site

    def call_site(self, call: cst.Call) -> CallSite | None:
        """The recorded site of a call node met while inspecting the tree (an index, an
        argument): its callee is resolved once, there."""
        return self._call_sites.get(id(call))

    def called_name(self, call: cst.Call) -> str | None:
        """The qualified name of what a recorded call calls."""
        site = self._call_sites.get(id(call))
        return site.qualified_name if site is not None else None

    # --------------------------------------------------------------- tracing

    def trace(self, scope: Scope) -> TraceInfo:
        """How ``scope`` (a function) is traced; an empty answer for untraced code."""
        return self._traces.get(id(scope), NOT_TRACED)

    def trace_of_function(self, function: Scope) -> TraceInfo:
        """The writable record for ``function`` (the resolver fills it in)."""
        info = self._traces.get(id(function))
        if info is None:
            info = self._traces[id(function)] = TraceInfo()
        return info

    def staged_function(self, scope: Scope) -> Scope | None:
        """The enclosing function, if a staging transformation (jit, vmap, scan, ...)
        traces it: where Python runs once, at trace time, on tracers."""
        function = scope.enclosing_function()
        return function if function is not None and self.trace(function).staged else None

    def eager_at(self, scope: Scope, ordinal: int) -> bool:
        """Inside the body of a ``with jax.ensure_compile_time_eval():`` of the same
        function: JAX operations there run eagerly, on concrete inputs to concrete values."""
        if self._eager_blocks is None:
            self._eager_blocks = [
                (site.scope.enclosing_function() or self.module_scope, site.ordinal, end)
                for site, end in self.with_blocks
                if any(
                    isinstance(item.item, cst.Call)
                    and self.qualified_name(item.item.func, site.scope) in jf.EAGER_CONTEXTS
                    for item in site.node.items  # type: ignore[attr-defined]
                )
            ]
        if not self._eager_blocks:
            return False
        function = scope.enclosing_function() or self.module_scope
        return any(
            owner is function and start < ordinal <= end for owner, start, end in self._eager_blocks
        )

    def checks_for_errors(self, at: Point) -> bool:
        """Code at ``at`` runs to see whether it raises or warns: in the body of a ``try``,
        or of a ``with`` that expects an exception or a warning (``pytest.raises``,
        ``self.assertRaises``, ``contextlib.suppress``) or makes jax raise where it would
        not (``jax.debug_nans``), of the same scope."""
        scope, ordinal = at.scope, at.ordinal
        if any(owner is scope and start < ordinal <= end for owner, start, end in self.try_bodies):
            return True
        return any(
            site.scope is scope
            and site.ordinal < ordinal <= end
            and any(self._checking(item.item, scope) for item in site.node.items)  # type: ignore[attr-defined]
            for site, end in self.with_blocks
        )

    def _checking(self, manager: cst.BaseExpression, scope: Scope) -> bool:
        if not isinstance(manager, cst.Call):
            return False
        func = manager.func
        if isinstance(func, cst.Attribute) and func.attr.value in jf.CHECKING_CONTEXT_METHODS:
            return True
        return self.qualified_name(func, scope) in jf.CHECKING_CONTEXTS

    def shown_by_notebook(self, statement: Site) -> bool:
        """An expression statement whose value a notebook shows: the last statement of a
        cell, at its top level, without a ``;`` after it (IPython displays that value)."""
        if self.cell_of is None:
            return False
        if self._shown is None:
            self._shown = self._cell_results()
        return id(statement.node) in self._shown

    def _cell_results(self) -> set[int]:
        assert self.cell_of is not None
        body = self.module.body
        spans = node_spans(self.module, body)
        last: dict[int, cst.BaseStatement] = {}
        for statement in body:
            last[self.cell_of(spans[id(statement)].start_line)] = statement
        shown: set[int] = set()
        for statement in last.values():
            if isinstance(statement, cst.SimpleStatementLine) and statement.body:
                final = statement.body[-1]
                if isinstance(final, cst.Expr) and not isinstance(final.semicolon, cst.Semicolon):
                    shown.add(id(final))
        return shown

    def transform_of(
        self, expr: cst.BaseExpression, scope: Scope
    ) -> tuple[str, jf.Transform, TransformForm] | None:
        """The transformation ``expr`` names or configures (``jax.jit``,
        ``jax.jit(static_argnums=1)``, ``partial(jax.jit, ...)``), with its name."""
        return cst_transform_of(self, expr, scope)

    # ---------------------------------------------------------------- values

    def array_fact(self, expr: cst.BaseExpression, at: Point) -> Fact:
        """Whether ``expr``, evaluated at ``at``, is a JAX array."""
        return ArrayFacts(self).of(expr, at.scope, at.ordinal)

    def array_proof(self, expr: cst.BaseExpression, at: Point) -> ArrayProof:
        """Whether ``expr``, evaluated at ``at``, is a JAX array, and whether that is
        proved by how it was made or rests on an annotation (see :class:`ArrayProof`)."""
        return array_proof(self, expr, at.scope, at.ordinal)

    def elements_fact(self, iterable: cst.BaseExpression, at: Point) -> Fact:
        """Whether every element that iterating ``iterable``, evaluated at ``at``, gives is
        a JAX array (YES or UNKNOWN; see :meth:`ArrayFacts.of_elements`)."""
        return ArrayFacts(self).of_elements(iterable, at.scope, at.ordinal)

    def traced_fact(self, expr: cst.BaseExpression, at: Point, *, jvp: bool = False) -> Fact:
        """Whether ``expr``, evaluated at ``at``, is a tracer when its function runs
        under a transformation (see :class:`jaxlint.model.lattices.values.TracedFacts`). With
        ``jvp``, the JVP tracers of code traced only by ``grad`` count too."""
        facts = JvpTracedFacts(self) if jvp else TracedFacts(self)
        return facts.of(expr, at.scope, at.ordinal)

    def grad_traced_fact(self, expr: cst.BaseExpression, at: Point) -> Fact:
        """Whether ``expr``, evaluated at ``at``, is a tracer, the JVP tracers of the
        arguments ``grad`` differentiates included (see
        :class:`jaxlint.model.lattices.traced.GradTracedFacts`)."""
        return GradTracedFacts(self).of(expr, at.scope, at.ordinal)

    def boolean_fact(self, expr: cst.BaseExpression, at: Point) -> Fact:
        """Whether ``expr``, evaluated at ``at``, is boolean: a mask when it is an array
        (see :class:`jaxlint.model.lattices.booleans.BooleanFacts`)."""
        return BooleanFacts(self).of(expr, at.scope, at.ordinal)

    def container_fact(
        self,
        expr: cst.BaseExpression,
        at: Point,
        kinds: frozenset[str] = CONTAINERS,
        *,
        defaults: bool = False,
    ) -> Fact:
        """Whether ``expr``, evaluated at ``at``, is a Python container of one of ``kinds``
        (``"list"``, ``"tuple"``, ``"dict"``, ``"set"``, ``"generator"``; by default any
        container; ``"ndarray"``, a new NumPy array, only when asked by name): see :class:`jaxlint.model.lattices.containers.ContainerFacts`. With
        ``defaults``, a parameter's display default counts as its value: for questions
        that only keep a rule silent, since a caller may pass something else."""
        return ContainerFacts(self, kinds, defaults=defaults).of(expr, at.scope, at.ordinal)

    def container_kind(
        self, expr: cst.BaseExpression, at: Point, kinds: Iterable[str]
    ) -> str | None:
        """The one of ``kinds`` that ``expr`` is a container of for sure, else None."""
        return next(
            (
                kind
                for kind in kinds
                if self.container_fact(expr, at, frozenset({kind})) is Fact.YES
            ),
            None,
        )

    def flag_fact(self, expr: cst.BaseExpression, at: Point, test: FlagTest) -> Fact:
        """Whether ``test`` holds for ``expr`` evaluated at ``at``: for a flag parameter,
        for what every traced caller passes (see
        :class:`jaxlint.model.lattices.flags.FlagFacts`)."""
        return FlagFacts(self, test).of(expr, at.scope, at.ordinal)

    def int_value(self, expr: cst.BaseExpression, at: Point) -> int | None:
        """The int ``expr`` evaluates to at ``at`` on every path (a literal, a constant
        bound once or always to the same int, arithmetic of those), else None."""
        return KnownInts(self).value(expr, at.scope, at.ordinal)

    def iteration_count(self, iterable: cst.BaseExpression, at: Point) -> int | None:
        """How many items iterating ``iterable`` at ``at`` gives, when known:
        ``range(N)`` of known ints, a list or tuple display, ``enumerate``/``reversed``/
        ``zip`` of such (see :mod:`jaxlint.model.lattices.integers`)."""
        return KnownInts(self).iteration_count(iterable, at.scope, at.ordinal)

    def int_cache(self) -> dict[int, int | None]:
        return self._ints

    def traced_tree_part(self, expr: cst.BaseExpression, at: Point) -> Fact:
        """Whether ``expr`` is ``state["vel"]`` (string keys, one or more levels) of a
        parameter that a transformation traces: a pytree leaf, so a traced array, or a
        subtree. Not once the parameter is rebound (``state = dict(state)`` may add
        Python values)."""
        root: cst.BaseExpression = expr
        while isinstance(root, cst.Subscript):
            if len(root.slice) != 1 or not string_key(root):
                return Fact.NO
            root = root.value
        if root is expr or not isinstance(root, cst.Name):
            return Fact.NO
        found = self.reaching(root.value, at.scope, at.ordinal)
        if found is None or any(b.kind is not BindingKind.PARAM for b in found.bindings):
            return Fact.UNKNOWN
        return self.traced_fact(root, at)

    def is_mutable_ref(self, expr: cst.BaseExpression, at: Point) -> bool:
        """A ``jax.new_ref``/Pallas ref or a flax NNX Variable by evidence: written in
        place by design."""
        return is_mutable_ref(self, expr, at.scope, at.ordinal)

    def ref_fact(self, expr: cst.BaseExpression, at: Point) -> Fact:
        """Whether ``expr`` is a mutable ref: YES on evidence, UNKNOWN where only a name
        (``x_ref``, ``self.o_ref``) says so, NO otherwise."""
        return ref_fact(self, expr, at.scope, at.ordinal)

    def fact_cache(self, lattice: str) -> dict[int, Fact]:
        return self._facts.setdefault(lattice, {})

    def string_keyed(self, scope: Scope) -> set[str] | frozenset[str]:
        """Names of ``scope`` stored into with string keys (``d["w"] = ...``): dicts."""
        return self._string_keyed.get(id(scope), frozenset())

    def add_string_keyed(self, scope: Scope, name: str) -> None:
        self._string_keyed.setdefault(id(scope), set()).add(name)

    # ---------------------------------------------------------- control flow

    def reaches(self, earlier: Site, later: Site) -> bool:
        """Whether one pass through the code can run ``later`` after ``earlier``: not when
        they sit in different arms of one ``if``, nor when ``earlier``'s arm ends in
        ``return``/``raise``/``continue``/``break`` before reaching ``later``."""
        arms: dict[int, int] = {}
        branch = later.branch
        while branch is not None:
            arms[id(branch.node)] = branch.index
            branch = branch.parent
        branch = earlier.branch
        while branch is not None:
            index = arms.get(id(branch.node))
            if index is not None:
                if index != branch.index:
                    return False
                break  # the rest of the chain is shared
            if branch.terminates:
                return False
            branch = branch.parent
        return True

    def body(self, scope: Scope) -> Block | None:
        """``scope``'s own statements in source order, with the suites of compound ones."""
        return self.bodies.get(id(scope))

    def statement_at(self, point: Point) -> Statement | None:
        """The innermost statement of ``point.scope``'s own code that holds ``point``."""
        block = self.bodies.get(id(point.scope))
        found = None
        while block is not None:
            statement = next((s for s in block.statements if s.contains(point.ordinal)), None)
            if statement is None:
                break
            found = statement
            block = next(
                (
                    b
                    for b in statement.blocks
                    if any(s.contains(point.ordinal) for s in b.statements)
                ),
                None,
            )
        return found

    def line_of(self, node: cst.CSTNode) -> int:
        """The 1-based line where ``node`` starts (computed on demand: most files never
        need a position)."""
        found = self._lines.get(id(node))
        if found is None:
            found = self._lines[id(node)] = node_spans(self.module, [node])[id(node)].start_line
        return found

    def keeps_value(self, binding: Binding) -> Fact:
        """Whether ``binding`` leaves its name's value as it was: YES when it and every
        earlier binding of the name in its scope bind one immutable constant (a
        notebook's ``BLOCK = 256`` re-run in three cells); NO when every earlier one binds
        another constant; else UNKNOWN."""
        key = _bound_constant(binding)
        if key is None:
            return Fact.UNKNOWN
        # Bindings written in another scope's code (``global``) may run before this one.
        before = sorted(
            (
                b
                for b in binding.scope.bindings.get(binding.name, [])
                if b is not binding
                and (b.ordinal < binding.ordinal or b.code_scope is not binding.code_scope)
            ),
            key=lambda b: b.ordinal,
        )
        if not before:
            return Fact.UNKNOWN  # the first binding gives the name its value
        keys = [_bound_constant(b) for b in before]
        if all(found == key for found in keys):
            return Fact.YES
        if all(found is not None and found != key for found in keys):
            return Fact.NO  # whichever ran before, it held another value
        return Fact.UNKNOWN

    def line_name(self, node: cst.CSTNode) -> str:
        """The words a message cites ``node``'s line with: ``line 12``, or in a notebook
        ``cell 3, line 4`` (rules never format a module line themselves)."""
        return self.line_names(self.line_of(node))
