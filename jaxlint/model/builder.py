"""The one walk over a libcst tree. It records scopes, bindings and sites; it decides
nothing that needs the whole file (that is :mod:`jaxlint.model.tracing` and
:mod:`jaxlint.model.lattices.values`, which read what the walk recorded)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import libcst as cst

from jaxlint.model.bodies import RECORDED, BodyRecorder
from jaxlint.model.names import string_key
from jaxlint.model.records import (
    Binding,
    BindingKind,
    Bindings,
    Branch,
    CallSite,
    ConditionKind,
    ConditionSite,
    Loop,
    LoopKind,
    Param,
    ParamKind,
    Scope,
    ScopeKind,
    Site,
    StoreSite,
)
from jaxlint.model.semantic import SemanticModel
from jaxlint.syntax.imports import imported_names
from jaxlint.syntax.statements import (
    NOT_NODES,
    FlowExit,
    code_fields,
    element_sources,
    flow_exit,
    literal_parts,
    loop_targets,
)


class Builder:
    """The one walk. Records facts; decides nothing that needs the whole file."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.scope = model.module_scope
        self.loop: Loop | None = None
        self.branch: Branch | None = None
        self.ordinal = 0
        self.in_with = 0
        self.in_handler = 0
        self.bodies = BodyRecorder(model.bodies, model.module_scope)
        self.handlers: dict[type, Callable] = {
            cst.FunctionDef: self.visit_function_def,
            cst.Lambda: self.visit_lambda,
            cst.ClassDef: self.visit_class_def,
            cst.Import: self.visit_import,
            cst.ImportFrom: self.visit_import,
            cst.Assign: self.visit_assign,
            cst.AugAssign: self.visit_aug_assign,
            cst.AnnAssign: self.visit_ann_assign,
            cst.NamedExpr: self.visit_named_expr,
            cst.For: self.visit_for,
            cst.While: self.visit_while,
            cst.ListComp: self.visit_comprehension,
            cst.SetComp: self.visit_comprehension,
            cst.DictComp: self.visit_comprehension,
            cst.GeneratorExp: self.visit_comprehension,
            cst.With: self.visit_with,
            cst.Try: self.visit_try,
            cst.TryStar: self.visit_try,
            cst.Global: self.visit_global,
            cst.Nonlocal: self.visit_nonlocal,
            cst.Expr: self.visit_expr,
            cst.Call: self.visit_call,
            cst.Subscript: self.visit_subscript,
            cst.ExceptHandler: self.visit_except_handler,
            cst.If: self.visit_if,
            cst.Match: self.visit_match,
            cst.IfExp: self.visit_if_exp,
            cst.Assert: self.visit_assert,
            cst.BooleanOperation: self.visit_truth_test,
            cst.UnaryOperation: self.visit_truth_test,
            cst.Comparison: self.visit_truth_test,
            cst.Name: self.visit_name,
            cst.Attribute: self.visit_attribute,
            cst.Return: self.visit_return,
            cst.Break: self.visit_loop_exit,
            cst.Continue: self.visit_loop_exit,
            cst.Yield: self.visit_yield,
        }

    # -------------------------------------------------------------- plumbing

    def walk(self, node: cst.CSTNode) -> None:
        self.ordinal += 1
        handler = self.handlers.get(type(node))
        if node.__class__ in RECORDED:  # statements, in order, for the model's view
            self.bodies.enter(node, self.scope, self.current, handler or self.children)
        elif handler is not None:
            handler(node)
        else:
            self.children(node)

    def current(self) -> int:
        return self.ordinal

    def children(self, node: cst.CSTNode) -> None:
        # Exact class tests, not isinstance: CSTNode is an ABC, whose checks cost more
        # than the rest of the walk. A code field holds a node, a sequence of nodes,
        # None, a MaybeSentinel or (in a few nodes) a plain string.
        for name in code_fields(type(node)):
            value = getattr(node, name)
            kind = value.__class__
            if kind is tuple or kind is list:
                for item in value:
                    if item.__class__ not in NOT_NODES:
                        self.walk(item)
            elif kind not in NOT_NODES:
                self.walk(value)

    def walk_all(self, nodes: Iterable[cst.CSTNode | None]) -> None:
        for node in nodes:
            if node is not None:
                self.walk(node)

    def site(self, node: cst.CSTNode) -> Site:
        return Site(self.scope, self.ordinal, node, self.loop, self.branch)

    def bind(
        self,
        name: str,
        kind: BindingKind,
        node: cst.CSTNode,
        value: cst.BaseExpression | None = None,
        imported: str = "",
        position: int | None = None,
    ) -> None:
        scope = self.scope
        if name in scope.globals or name in scope.nonlocals:
            if scope.is_function:
                self.model.global_writes.append(self.site(node))
            if name in scope.globals:
                owner = self.model.module_scope
            else:
                found = self.model.lookup(name, scope.parent or self.model.module_scope)
                owner = found.owner if found else scope
        else:
            owner = scope
        owner.bindings.setdefault(name, Bindings()).append(
            Binding(
                name,
                kind,
                node,
                value,
                self.ordinal,
                owner,
                self.loop,
                imported,
                scope,
                position,
                self.in_handler > 0,
                self.branch,
            )
        )

    def bind_target(
        self, target: cst.BaseExpression, kind: BindingKind, value: cst.BaseExpression | None
    ) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, kind, target, value)
        elif isinstance(target, cst.Tuple | cst.List):
            is_for = kind is BindingKind.FOR
            values = element_sources(value, len(target.elements)) if is_for else None
            for position, element in enumerate(target.elements):
                self.bind_target(
                    element.value,
                    kind if is_for else BindingKind.UNPACK,
                    values[position] if values else value if is_for else None,
                )
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, BindingKind.UNPACK, None)

    def enter_scope(self, kind: ScopeKind, node: cst.CSTNode, name: str) -> Scope:
        parent = self.scope
        prefix = parent.qualname + "." if parent.qualname else ""
        if parent.is_function:
            prefix = parent.qualname + ".<locals>."
        scope = Scope(kind, node, name, prefix + name, parent)
        scope.loop = self.loop
        self.model.scopes.append(scope)
        self.model.scope_of_node[id(node)] = scope
        if scope.is_function:
            self.model.functions.append(scope)
        return scope

    def run_in_scope(self, scope: Scope, body: Iterable[cst.CSTNode | None]) -> None:
        saved = self.scope, self.loop, self.in_with, self.branch, self.in_handler
        self.scope, self.loop, self.in_with, self.branch, self.in_handler = scope, None, 0, None, 0
        outer = self.bodies.open_scope()
        self.walk_all(body)
        self.bodies.close_scope(outer)
        self.scope, self.loop, self.in_with, self.branch, self.in_handler = saved

    def add_params(self, scope: Scope, params: cst.Parameters) -> None:
        for index, param in enumerate((*params.posonly_params, *params.params)):
            scope.params[param.name.value] = Param(param.name.value, param, index)
        if isinstance(params.star_arg, cst.Param):
            scope.params[params.star_arg.name.value] = Param(
                params.star_arg.name.value, params.star_arg, -1, ParamKind.STAR_ARGS
            )
        for param in params.kwonly_params:
            scope.params[param.name.value] = Param(param.name.value, param, -1)
        if params.star_kwarg is not None:
            scope.params[params.star_kwarg.name.value] = Param(
                params.star_kwarg.name.value, params.star_kwarg, -1, ParamKind.STAR_KWARGS
            )
        for name, param in scope.params.items():
            scope.bindings.setdefault(name, Bindings()).append(
                Binding(name, BindingKind.PARAM, param.node, None, self.ordinal, scope)
            )

    @staticmethod
    def param_defaults(params: cst.Parameters) -> list[cst.CSTNode | None]:
        nodes: list[cst.CSTNode | None] = []
        for param in (
            *params.posonly_params,
            *params.params,
            *params.kwonly_params,
            params.star_arg if isinstance(params.star_arg, cst.Param) else None,
            params.star_kwarg,
        ):
            if param is not None:
                nodes.append(param.default)
                nodes.append(param.annotation)
        return nodes

    # -------------------------------------------------------------- handlers

    def visit_function_def(self, node: cst.FunctionDef) -> None:
        self.walk_all(d.decorator for d in node.decorators)
        self.walk_all(self.param_defaults(node.params))
        self.walk_all([node.returns])
        if node.decorators:
            self.model.decorated_defs.append(self.site(node))
        self.bind(node.name.value, BindingKind.DEF, node)
        scope = self.enter_scope(ScopeKind.FUNCTION, node, node.name.value)
        self.add_params(scope, node.params)
        self.run_in_scope(scope, [node.body])

    def visit_lambda(self, node: cst.Lambda) -> None:
        self.walk_all(self.param_defaults(node.params))
        scope = self.enter_scope(ScopeKind.LAMBDA, node, "<lambda>")
        self.add_params(scope, node.params)
        scope.returns.append((node.body, self.ordinal))
        self.run_in_scope(scope, [node.body])

    def visit_class_def(self, node: cst.ClassDef) -> None:
        self.walk_all(d.decorator for d in node.decorators)
        self.walk_all(arg.value for arg in (*node.bases, *node.keywords))
        self.bind(node.name.value, BindingKind.CLASS, node)
        scope = self.enter_scope(ScopeKind.CLASS, node, node.name.value)
        scope.bases = tuple(node.bases)
        self.model.classes.append(scope)
        self.run_in_scope(scope, [node.body])

    def visit_import(self, node: cst.Import | cst.ImportFrom) -> None:
        # The model knows no package: relative imports keep their dots.
        for local, target in imported_names(node):
            self.bind(local, BindingKind.IMPORT, node, imported=target)

    def visit_assign(self, node: cst.Assign) -> None:
        self.walk(node.value)
        for target in node.targets:
            self.store(target.target, node, node.value, BindingKind.ASSIGN)

    def visit_aug_assign(self, node: cst.AugAssign) -> None:
        self.walk(node.value)
        self.store(node.target, node, node.value, BindingKind.AUGASSIGN)

    def visit_ann_assign(self, node: cst.AnnAssign) -> None:
        self.walk(node.annotation.annotation)
        if node.value is not None:
            self.walk(node.value)
        in_class = self.scope.kind is ScopeKind.CLASS
        if in_class and isinstance(node.target, cst.Name):
            self.scope.class_annotations[node.target.value] = node.annotation.annotation
        if isinstance(node.target, cst.Name):
            self.model.annotations[id(node.target)] = node.annotation.annotation
        if node.value is not None or not in_class:
            self.store(node.target, node, node.value, BindingKind.ANNASSIGN)

    def store_site(
        self, target: cst.BaseExpression, statement: cst.BaseSmallStatement
    ) -> StoreSite:
        return StoreSite(
            self.scope,
            self.ordinal,
            target,
            self.loop,
            self.branch,
            target=target,
            statement=statement,
            in_with=self.in_with > 0,
        )

    def store(
        self,
        target: cst.BaseExpression,
        statement: cst.BaseSmallStatement,
        value: cst.BaseExpression | None,
        kind: BindingKind,
        position: int | None = None,
    ) -> None:
        model = self.model
        if isinstance(target, cst.Subscript):
            self.walk(target)
            if isinstance(target.value, cst.Name) and string_key(target):
                found = model.lookup(target.value.value, self.scope)
                model.add_string_keyed(found.owner if found else self.scope, target.value.value)
            model.subscript_stores.append(self.store_site(target, statement))
        elif isinstance(target, cst.Attribute):
            self.walk(target.value)
            model.attribute_stores.append(self.store_site(target, statement))
            function = self.scope
            cls = function.enclosing_class()
            first = function.self_param()
            if (
                cls is not None
                and value is not None
                and first is not None
                and isinstance(target.value, cst.Name)
                and first.name == target.value.value
            ):
                cls.instance_attrs.setdefault(target.attr.value, []).append(
                    (value, function, self.ordinal)
                )
        elif isinstance(target, cst.Tuple | cst.List):
            elements = target.elements
            starred = any(isinstance(element, cst.StarredElement) for element in elements)
            parts = None if starred else literal_parts(value, len(elements))
            if parts is not None:
                # ``q, k = x @ wq, x @ wk``: each name is bound to its own part.
                for element, part in zip(elements, parts, strict=True):
                    self.store(element.value, statement, part, BindingKind.ASSIGN)
                return
            # Otherwise each name keeps the whole right-hand side, and its place in it:
            # enough to tell ``n, m = x.shape`` (static) from ``a, b = jnp.split(x)``.
            known = kind is not BindingKind.UNPACK  # a nested target: places unknown
            for index, element in enumerate(elements):
                known = known and not isinstance(element, cst.StarredElement)
                where = index if known else None
                self.store(element.value, statement, value, BindingKind.UNPACK, where)
        elif isinstance(target, cst.StarredElement):
            self.store(target.value, statement, value, BindingKind.UNPACK)
        elif isinstance(target, cst.Name):
            self.bind(target.value, kind, target, value, position=position)

    def visit_named_expr(self, node: cst.NamedExpr) -> None:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, BindingKind.WALRUS, node.target, node.value)

    def run_loop(self, loop: Loop, body: Iterable[cst.CSTNode | None]) -> None:
        saved = self.loop
        self.loop = loop
        self.walk_all(body)
        self.loop = saved
        loop.end = self.ordinal + 1

    def visit_for(self, node: cst.For) -> None:
        self.walk(node.iter)
        loop = Loop(
            node, LoopKind.FOR, self.ordinal, targets=loop_targets(node.target), parent=self.loop
        )
        self.model.loops.append((self.site(node), loop))
        saved = self.loop
        self.loop = loop
        self.bind_target(node.target, BindingKind.FOR, node.iter)
        self.loop = saved
        self.run_loop(loop, [node.body])
        self.walk_all([node.orelse])

    def visit_while(self, node: cst.While) -> None:
        self.condition(node, node.test, ConditionKind.WHILE)
        loop = Loop(node, LoopKind.WHILE, self.ordinal, parent=self.loop)
        self.model.loops.append((self.site(node), loop))
        self.run_loop(loop, [node.test, node.body])
        self.walk_all([node.orelse])

    def visit_comprehension(self, node: cst.BaseComp) -> None:
        for_in: cst.CompFor = node.for_in  # type: ignore[attr-defined]
        # The first iterable is evaluated outside the comprehension's loop.
        self.walk(for_in.iter)
        loop = Loop(node, LoopKind.COMPREHENSION, self.ordinal, parent=self.loop)
        self.model.loops.append((self.site(node), loop))
        saved = self.loop
        self.loop = loop
        clause: cst.CompFor | None = for_in
        first = True
        while clause is not None:
            if not first:
                self.walk(clause.iter)
            first = False
            self.bind_target(clause.target, BindingKind.FOR, None)
            loop.targets |= loop_targets(clause.target)
            self.walk_all(condition.test for condition in clause.ifs)
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            self.walk_all([node.key, node.value])
        else:
            self.walk(node.elt)  # type: ignore[attr-defined]
        self.loop = saved
        loop.end = self.ordinal + 1

    def visit_with(self, node: cst.With) -> None:
        start = self.site(node)
        for item in node.items:
            self.walk(item.item)
            if item.asname is not None:
                self.bind_target(item.asname.name, BindingKind.WITH, None)  # type: ignore[arg-type]
        self.in_with += 1
        self.walk(node.body)
        self.in_with -= 1
        self.model.with_blocks.append((start, self.ordinal))

    def visit_try(self, node: cst.Try | cst.TryStar) -> None:
        start = self.ordinal
        self.walk(node.body)
        self.model.try_bodies.append((self.scope, start, self.ordinal))
        self.walk_all([*node.handlers, node.orelse, node.finalbody])

    def visit_global(self, node: cst.Global) -> None:
        self.scope.globals.update(item.name.value for item in node.names)

    def visit_nonlocal(self, node: cst.Nonlocal) -> None:
        self.scope.nonlocals.update(item.name.value for item in node.names)

    def visit_expr(self, node: cst.Expr) -> None:
        self.model.expression_statements.append(self.site(node))
        self.walk(node.value)

    def visit_call(self, node: cst.Call) -> None:
        site = CallSite(self.scope, self.ordinal, node, self.loop, self.branch, resolver=self.model)
        self.model.add_call(site)
        if self.scope.is_function:
            self.scope.calls.append(site)
        self.children(node)

    def visit_subscript(self, node: cst.Subscript) -> None:
        if self.scope.is_function:  # where shapes can be traced (JL011)
            self.model.subscripts.append(self.site(node))
        self.children(node)

    def condition(self, node: cst.CSTNode, test: cst.BaseExpression, kind: ConditionKind) -> None:
        self.model.conditions.append(
            ConditionSite(
                self.scope, self.ordinal, node, self.loop, self.branch, test=test, kind=kind
            )
        )

    def in_branch(
        self, node: cst.CSTNode, index: int, body: cst.CSTNode, arms: list[Branch]
    ) -> None:
        saved = self.branch
        branch = self.open_arm(node, index, arms)
        self.walk(body)
        self.branch = saved
        branch.end = self.ordinal + 1
        branch.exit = flow_exit(body)

    def open_arm(self, node: cst.CSTNode, index: int, arms: list[Branch]) -> Branch:
        branch = Branch(
            node, index, self.branch, self.ordinal, self.ordinal + 1, loop=self.loop, arms=arms
        )
        arms.append(branch)
        self.branch = branch
        return branch

    def visit_if(self, node: cst.If, kind: ConditionKind = ConditionKind.IF) -> FlowExit | None:
        """Walk an ``if``; return how it leaves, from its arms' (no re-walk per ``elif``)."""
        self.condition(node, node.test, kind)
        self.walk(node.test)
        arms: list[Branch] = []
        self.in_branch(node, 0, node.body, arms)
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            saved = self.branch
            branch = self.open_arm(node, 1, arms)
            self.ordinal += 1
            branch.exit = self.visit_if(orelse, ConditionKind.ELIF)
            self.branch = saved
            branch.end = self.ordinal + 1
        elif orelse is not None:
            self.in_branch(node, 1, orelse, arms)
        for arm in arms:
            arm.exhaustive = orelse is not None
        exits = [arm.exit for arm in arms if arm.exit is not None]
        # None where the test may be false or an arm falls through.
        return min(exits) if orelse is not None and len(exits) == len(arms) else None

    def visit_match(self, node: cst.Match) -> None:
        # At most one case body runs: the cases are exclusive arms, as if/elif arms are
        # (none may run: not exhaustive).
        self.walk(node.subject)
        arms: list[Branch] = []
        for index, case in enumerate(node.cases):
            self.walk(case.pattern)
            if case.guard is not None:
                self.walk(case.guard)
            self.in_branch(node, index, case.body, arms)

    def visit_if_exp(self, node: cst.IfExp) -> None:
        self.condition(node, node.test, ConditionKind.TERNARY)
        self.walk(node.test)
        arms: list[Branch] = []
        self.in_branch(node, 0, node.body, arms)
        self.in_branch(node, 1, node.orelse, arms)
        for arm in arms:
            arm.exhaustive = True

    def visit_assert(self, node: cst.Assert) -> None:
        self.condition(node, node.test, ConditionKind.ASSERT)
        self.children(node)

    def visit_truth_test(self, node: cst.BaseExpression) -> None:  # see ConditionSite
        if isinstance(node, cst.BooleanOperation):
            kind = ConditionKind.AND if isinstance(node.operator, cst.And) else ConditionKind.OR
            self.condition(node, node.left, kind)
        elif isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            self.condition(node, node.expression, ConditionKind.NOT)
        elif isinstance(node, cst.Comparison) and len(node.comparisons) > 1:
            linked = cst.Comparison(left=node.left, comparisons=node.comparisons[:-1])
            self.condition(node, linked, ConditionKind.CHAIN)
        self.children(node)

    def visit_name(self, node: cst.Name) -> None:
        # Only loads get here: store targets are bound, not walked, and attribute and
        # keyword names are not code fields.
        scope = self.scope
        if scope.is_function:
            scope.reads.append(node)
        scope.loads.setdefault(node.value, []).append(self.ordinal)

    def visit_attribute(self, node: cst.Attribute) -> None:
        # Only loads get here (store targets walk only their value): every ``x.w`` read.
        self.model.attribute_loads.setdefault(node.attr.value, []).append(node)
        if isinstance(node.value, cst.Name):  # ``self.w`` in a method or a closure in it
            method = self.method_of_instance(node.value.value)
            if method is not None:
                method.instance_reads.setdefault(node.attr.value, []).append(node)
        self.children(node)

    def method_of_instance(self, name: str) -> Scope | None:
        """The method whose first parameter (``self``) ``name`` refers to here, if any."""
        loop = self.loop
        while loop is not None:
            if name in loop.targets:
                return None  # ``[self.v for self in xs]``: a loop target shadows it
            loop = loop.parent
        scope: Scope | None = self.scope
        while scope is not None and scope.is_function:
            first = scope.self_param()
            if first is not None and first.name == name:
                return scope
            if name in scope.bindings or name in scope.globals or name in scope.nonlocals:
                return None  # a name of its own shadows the method's
            scope = scope.parent
        return None

    def visit_return(self, node: cst.Return) -> None:
        if self.scope.is_function:
            self.scope.returns.append((node.value, self.ordinal))
        loop = self.loop  # the loops of this function: a scope starts with none
        while loop is not None:
            loop.leaves_early = True
            loop = loop.parent
        self.children(node)

    def visit_loop_exit(self, node: cst.Break | cst.Continue) -> None:
        loop = self.loop
        while loop is not None and loop.kind is LoopKind.COMPREHENSION:
            loop = loop.parent  # cannot hold a statement: never the loop left
        if loop is not None:
            loop.leaves_early = True

    def visit_yield(self, node: cst.Yield) -> None:
        self.scope.generator = True
        self.children(node)

    def visit_except_handler(self, node: cst.ExceptHandler) -> None:
        if node.type is not None:
            self.walk(node.type)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.bind(node.name.name.value, BindingKind.EXCEPT, node.name.name, None)
        self.in_handler += 1
        self.walk(node.body)
        self.in_handler -= 1
