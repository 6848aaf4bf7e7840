"""Questions more than one rule asks, answered from the model (not part of it)."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import (
    BindingKind,
    Branch,
    CallSite,
    Fact,
    Loop,
    Point,
    Scope,
    SemanticModel,
    Site,
    dotted,
    reaching_bindings,
    string_key,
)
from jaxlint.model.analyze.decided import flag_test
from jaxlint.model.analyze.wrappers import compiled_wrapper, fresh_wrapper_after, wrapped_anew
from jaxlint.model.lattices.flags import callers_in_sight
from jaxlint.model.records import ConditionSite
from jaxlint.syntax.statements import FlowExit, flow_exit


def jnp_function(site: CallSite) -> str | None:
    """``"sum"`` for a call of ``jax.numpy.sum`` (through any alias), else None."""
    name = site.qualified_name
    if name is None or not name.startswith("jax.numpy."):
        return None
    return name[len("jax.numpy.") :]


def traced_array(model: SemanticModel, expr: cst.BaseExpression, at: Point) -> bool:
    """``expr`` is traced at ``at``: a tracer for sure, and known to be an array or a
    whole traced argument, so not a key of a traced dict (``for name in batch:`` walks a
    pytree's keys, static strings, which the traced lattice takes for tracers). A whole
    argument may be a pytree of tracers rather than one, but Python can no more index
    with it, hash it or take its truth than with a tracer."""
    if model.traced_fact(expr, at) is not Fact.YES:
        return False
    return model.array_fact(expr, at) is Fact.YES or _traced_argument(model, expr, at)


def _traced_argument(model: SemanticModel, expr: cst.BaseExpression, at: Point) -> bool:
    """``expr`` names a parameter, unchanged on every path, of a function a
    transformation traces directly (``@jax.jit def f(i): ... table[i]``)."""
    if not isinstance(expr, cst.Name):
        return False
    found = model.reaching(expr.value, at.scope, at.ordinal)
    if found is None or not found.bindings or model.array_fact(expr, at) is Fact.NO:
        return False  # a static argument, `self`, `*args`: not a tracer
    return all(
        binding.kind is BindingKind.PARAM and model.trace(binding.scope).arguments_traced()
        for binding in found.bindings
    )


def traced_context(model: SemanticModel, function: Scope) -> str:
    """``in step, decorated with @jax.jit``: where a finding sits and why it is traced."""
    via = model.trace(function).via
    return f"in {function.qualname}" + (f", {via}" if via else "")


def literal_collection(expr: cst.BaseExpression) -> bool:
    """``[1, 2]``, ``("a", None)``, ``[(1, "x"), (2, "y")]``: literals only. A loop over
    one is a sweep over a few settings, each a program that must compile once anyway."""
    if isinstance(expr, cst.List | cst.Tuple | cst.Set):
        return all(literal_collection(element.value) for element in expr.elements)
    if isinstance(expr, cst.UnaryOperation):
        return literal_collection(expr.expression)
    if isinstance(expr, cst.Name):
        return expr.value in ("None", "True", "False")
    return isinstance(expr, cst.BaseNumber | cst.BaseString)


def frozen_class(model: SemanticModel, cls: Scope) -> bool:
    """A class whose instances' fields cannot be reassigned: a flax/equinox module, or a
    dataclass declared frozen."""
    if model.base_names(cls) & jf.FROZEN_BASES:
        return True
    for decorator in cls.node.decorators:  # type: ignore[attr-defined]
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            for arg in expr.args:
                if arg.keyword and arg.keyword.value == "frozen":
                    if isinstance(arg.value, cst.Name) and arg.value.value == "True":
                        return True
            expr = expr.func
        if model.qualified_name(expr, cls.parent or model.module_scope) in (
            jf.FROZEN_DATACLASS_DECORATORS
        ):
            return True
    return False


def rebind_obstacle(model: SemanticModel, target: cst.BaseExpression, at: Point) -> str | None:
    """Why ``target = <new value>`` at this point would not update what ``target``
    refers to (so a rewrite to it would change meaning), or None if it would."""
    scope = at.scope
    if isinstance(target, cst.Name):
        name = target.value
        found = model.lookup(name, scope)
        if found is None:
            return f"`{name}` is not defined in this file"
        owner, bindings = found
        declared = name in scope.globals or name in scope.nonlocals
        if owner is not scope and not declared:
            return (
                f"`{name}` is not a local name here; assigning to it would make it "
                "local to the function"
            )
        kinds = {b.kind for b in reaching_bindings(bindings, at.ordinal)}
        if BindingKind.FOR in kinds:
            return (
                f"`{name}` is a loop variable; rebinding it would not update the "
                "sequence it comes from"
            )
        if BindingKind.WITH in kinds:
            return f"`{name}` is a `with ... as` target; rebinding it would not update it"
        return None
    if isinstance(target, cst.Attribute) and dotted(target) is not None:
        function = scope.enclosing_function()
        cls = function.enclosing_class() if function else None
        if cls is None or not isinstance(target.value, cst.Name) or not frozen_class(model, cls):
            # `stats.mean` of a parameter annotated with a frozen class of this file
            cls = model.annotated_class(target, scope)
        if cls is not None and isinstance(target.value, cst.Name) and frozen_class(model, cls):
            return (
                f"`{dotted(target)}` is a field of the frozen class `{cls.name}`; "
                "return an updated copy instead"
            )
        return None
    if isinstance(target, cst.Subscript) and string_key(target):
        return None  # `state["vel"] = ...` replaces the dict's entry
    return "the array is not held in a name or attribute that can be reassigned"


def rebind_doubt(model: SemanticModel, target: cst.BaseExpression, at: Point) -> str | None:
    """Why ``target = <new value>`` might fail or not update what ``target`` refers to,
    where :func:`rebind_obstacle` knows no reason it would: an attribute of an object
    whose class this file does not define (a NamedTuple, a frozen dataclass or a
    property of another file refuses assignment), or of a class of this file derived
    from a class of another file. None where assigning surely works as meant."""
    if not isinstance(target, cst.Attribute):
        return None
    cls = model.self_attribute_class(target, at.scope)
    if cls is None:
        label = dotted(target) or "the attribute"
        return f"`{label}` may belong to an object that refuses assignment"
    foreign = _foreign_base(model, cls)
    if foreign is not None:
        return f"`{cls.name}` derives from `{foreign}`, which may refuse assigning fields"
    return None


def _foreign_base(model: SemanticModel, cls: Scope) -> str | None:
    """The first base of ``cls`` or of its ancestors of this file that this file does
    not define (``object`` aside), as written; None if there is none."""
    for arg, where, local in model.ancestor_bases(cls):
        if local is None and model.qualified_name(arg.value, where) != "builtins.object":
            return dotted(arg.value) or "a base of another file"
    return None


def tests_tracerness(
    model: SemanticModel, expr: cst.BaseExpression, scope: Scope, _depth: int = 0
) -> bool:
    """A condition that asks whether a value is a tracer: ``isinstance(x, jax.core.Tracer)``,
    ``jax.core.is_concrete(x)``, their negations and combinations, ``any(...)`` of them, or a
    helper of this file whose every return is one (``not_tracer(x)``)."""
    if _depth > 3:
        return False
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
        return tests_tracerness(model, expr.expression, scope, _depth + 1)
    if isinstance(expr, cst.BooleanOperation):
        return tests_tracerness(model, expr.left, scope, _depth + 1) or tests_tracerness(
            model, expr.right, scope, _depth + 1
        )
    if not isinstance(expr, cst.Call):
        return False
    name = model.called_name(expr)
    if name in jf.TRACER_TEST_CALLS:
        return True
    if name == "builtins.isinstance" and len(expr.args) >= 2:
        classes = expr.args[1].value
        candidates = (
            [element.value for element in classes.elements]
            if isinstance(classes, cst.Tuple)
            else [classes]
        )
        return any(_is_tracer_class(model, candidate, scope) for candidate in candidates)
    if name in ("builtins.any", "builtins.all") and expr.args:
        inner = expr.args[0].value
        return isinstance(inner, cst.GeneratorExp | cst.ListComp) and tests_tracerness(
            model, inner.elt, scope, _depth + 1
        )
    callee = model.function_of(expr.func, scope)
    if callee is None or not callee.returns:
        return False
    return all(
        value is not None and tests_tracerness(model, value, callee, _depth + 1)
        for value, _ in callee.returns
    )


def _is_tracer_class(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> bool:
    """A tracer class, or one no tracer belongs to (``int``, ``np.ndarray``): either way
    ``isinstance`` with it asks whether the value is concrete."""
    name = model.qualified_name(expr, scope) or ""
    if name in jf.CONCRETE_VALUE_CLASSES:
        return True
    return name.startswith("jax") and name.rsplit(".", 1)[-1].endswith("Tracer")


def guarded_by_tracer_test(
    model: SemanticModel, branch: Branch | None, scope: Scope, ordinal: int | None = None
) -> bool:
    """Inside an arm of an ``if``/conditional expression whose test asks whether a value
    is a tracer: that code runs only where the answer is known, on either side. With
    ``ordinal``, also after an ``if`` on such a test whose body returns or raises
    (``if isinstance(x, Tracer): return x``): the rest of the function is the other arm."""
    if _in_tracer_tested_arm(model, branch, scope):
        return True
    if ordinal is None:
        return False
    exits = _returns_on_tracer_test(model, scope)
    if not exits:
        return False
    arms: set[int] = set()
    current = branch
    while current is not None:
        arms.add(id(current))
        current = current.parent
    return any(
        condition.ordinal < ordinal and (condition.branch is None or id(condition.branch) in arms)
        for condition in exits
    )


def _in_tracer_tested_arm(model: SemanticModel, branch: Branch | None, scope: Scope) -> bool:
    """``branch`` or an arm around it tests whether a value is a tracer: remembered per
    arm, so that the arms of a long ``elif`` chain do not each walk up the whole chain."""
    known = model.fact_cache(f"in-tracer-tested-arm {id(scope)}")  # names resolve in `scope`
    chain: list[Branch] = []
    current = branch
    while current is not None and id(current) not in known:
        chain.append(current)
        current = current.parent
    answer = known[id(current)] if current is not None else Fact.NO
    for arm in reversed(chain):
        test = getattr(arm.node, "test", None)
        if answer is Fact.NO and test is not None and tests_tracerness(model, test, scope):
            answer = Fact.YES
        known[id(arm)] = answer
    return answer is Fact.YES


def _returns_on_tracer_test(model: SemanticModel, scope: Scope) -> list[ConditionSite]:
    """The ``if`` statements of ``scope`` whose test asks whether a value is a tracer and
    whose body returns or raises: found once per scope, not once per question (a chain
    of 1,000 ``elif`` asks 1,000 times)."""
    cache = model.fact_cache("returns-on-tracer-test")
    conditions = model.conditions_in(scope)
    if id(scope) not in cache:
        found = [
            condition
            for condition in conditions
            if isinstance(condition.node, cst.If)
            and flow_exit(condition.node.body) is FlowExit.RETURN
            and tests_tracerness(model, condition.test, scope)
        ]
        cache[id(scope)] = Fact.YES if found else Fact.NO
        for condition in found:
            cache[id(condition)] = Fact.YES
    if cache[id(scope)] is Fact.NO:
        return []
    return [condition for condition in conditions if cache.get(id(condition)) is Fact.YES]


def unreached_by_traced_callers(
    model: SemanticModel, branch: Branch | None, function: Scope
) -> bool:
    """Inside an arm that traced code never runs: its test reads a flag parameter of
    ``function`` (``if return_counts:``, ``if size is None:``) and every traced caller
    passes, or leaves at its default, a value that selects the other arm. Only for
    functions traced through callers in this file, all of them in sight."""
    if not callers_in_sight(model.trace(function)):
        return False
    current = branch
    while current is not None:
        test = getattr(current.node, "test", None)
        flag = None if test is None else flag_test(test)
        if flag is not None and flag[0].value in function.params:
            name, asked, negated = flag
            holds = model.flag_fact(name, Point(function, current.ordinal), asked)
            if holds is not Fact.UNKNOWN:
                taken = (holds is Fact.YES) != negated  # whether every caller passes the test
                if taken != (current.index == 0):  # arm 0 runs when it passes
                    return True
        current = current.parent
    return False


def untraced_arm(model: SemanticModel, site: Site) -> bool:
    """``site`` sits where traced code never runs with tracers: in an arm guarded by a
    tracer test (``isinstance(x, jax.core.Tracer)``, ``isinstance(n, int)``), or in one
    that no traced caller takes (``if return_counts:`` left at its default)."""
    if guarded_by_tracer_test(model, site.branch, site.scope, site.ordinal):
        return True
    return site.scope.is_function and unreached_by_traced_callers(model, site.branch, site.scope)


# ------------------------------------------------ code a loop runs at most once


def runs_once_in_loop(model: SemanticModel, site: Site) -> bool:
    """``site``, inside a loop, does not run on every iteration that reaches its arm: an
    arm around it (inside the loop) turns its own guard off on the way through it
    (``if fn is None: fn = jax.jit(...)``, ``if need_compile: ...; need_compile =
    False``, ``if not built: ...; built = True``), so it runs again only when other
    code re-arms the guard; or the arm leaves the loop for good (``return``, ``raise``,
    ``break`` out of a loop no loop encloses)."""
    loop = site.loop
    if loop is None:
        return False
    on_path: set[int] = set()
    arm = site.branch
    while arm is not None and arm.loop is loop:
        on_path.add(id(arm))
        if arm.exit is FlowExit.RETURN or (arm.exit is FlowExit.BREAK and loop.parent is None):
            return True
        if any(_rebound_on_path(model, site, arm, test, on_path) for test in _guard_tests(arm)):
            return True
        arm = arm.parent
    return False


def _guard_tests(arm: Branch) -> list[cst.BaseExpression]:
    """The tests each of which holds whenever ``arm`` runs: the conjuncts of its ``if``
    test (for the ``else`` arm, the disjuncts, each of which is then false)."""
    if not isinstance(arm.node, cst.If):
        return []  # a match case, a conditional expression: no guard to turn off
    joins = cst.And if arm.index == 0 else cst.Or
    found: list[cst.BaseExpression] = []
    stack: list[cst.BaseExpression] = [arm.node.test]
    while stack:
        test = stack.pop()
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, joins):
            stack.extend((test.left, test.right))
        else:
            found.append(test)
    return found


def _guard_chain(test: cst.BaseExpression) -> str | None:
    """The name or attribute chain a guard tests alone: ``fn``, ``not built``, ``fn is
    None``, ``self._step is not None``, ``mode == "new"``. Rebinding it can turn the
    guard off; rebinding a name read by a test that also reads others may not."""
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator, against = test.comparisons[0].operator, test.comparisons[0].comparator
        constant = literal_collection(against) and not isinstance(against, cst.List | cst.Set)
        if not (isinstance(operator, cst.Is | cst.IsNot | cst.Equal | cst.NotEqual) and constant):
            return None
        test = test.left
    return dotted(test) if isinstance(test, cst.Name | cst.Attribute) else None


def _rebound_on_path(
    model: SemanticModel, site: Site, arm: Branch, test: cst.BaseExpression, on_path: set[int]
) -> bool:
    """Code of ``arm`` that runs on every pass through ``site`` (in ``site``'s arm or one
    around it, up to ``arm``) rebinds the name or attribute chain that ``test`` tests,
    and no code of the loop re-arms it on every iteration (unconditionally, or as the
    loop's own variable)."""
    chain = _guard_chain(test)
    loop = site.loop
    if chain is None or loop is None:
        return False
    stores: list[tuple[Branch | None, int]]
    if "." in chain:
        stores = [
            (store.branch, store.ordinal)
            for store in model.attribute_stores
            if store.scope is site.scope and dotted(store.target) == chain
        ]
    else:
        found = model.lookup(chain, site.scope)
        bindings = [] if found is None else found.bindings
        stores = [(b.branch, b.ordinal) for b in bindings if b.code_scope is site.scope]
    turned_off = any(
        arm.contains(ordinal) and branch is not None and id(branch) in on_path
        for branch, ordinal in stores
    )
    rearmed_always = any(
        loop.contains(ordinal)
        and not arm.contains(ordinal)
        and (branch is None or not loop.contains(branch.ordinal))
        for branch, ordinal in stores
    )
    return turned_off and not rearmed_always


# ------------------------------------------------ module code that may run a function


def _names_in(expr: cst.CSTNode) -> set[str]:
    """The names ``expr`` loads (not attribute names or keywords)."""
    found: set[str] = set()
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            found.add(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Arg):
            stack.append(node.value)
        else:
            stack.extend(node.children)
    return found


def _outermost(scope: Scope) -> Scope:
    """The function or class of the module's own body that ``scope`` is, or is inside."""
    while scope.parent is not None and scope.parent.parent is not None:
        scope = scope.parent
    return scope


def reaching_bindings_of(model: SemanticModel, function: Scope) -> dict[int, str]:
    """The module-level bindings through which module code can run ``function``, by id,
    with the names they bind: the binding of its outermost definition and, to a fixed
    point, every module-level binding of a function or class whose code reads a name
    bound so, or of a value built from one (``step_jit = jax.jit(step)``,
    ``agent = Agent(step)``)."""
    reads: dict[int, set[str]] = {}  # by the node of each outermost definition
    module_scope = model.module_scope
    for scope in model.scopes:
        if scope.parent is not None:
            # Only the names that are the module's: a local `loss` or `params` that
            # shadows a module-level one reaches nothing through it.
            reads.setdefault(id(_outermost(scope).node), set()).update(
                name
                for name in scope.loads
                if (found := model.lookup(name, scope)) is not None and found.owner is module_scope
            )
    outer = _outermost(function).node
    module = module_scope.bindings
    found: dict[int, str] = {
        id(b): name
        for name, bindings in module.items()
        for b in bindings
        if b.node is outer or b.value is outer
    }
    names = set(found.values())
    grown = True
    while grown:
        grown = False
        for name, bindings in module.items():
            for binding in bindings:
                if id(binding) in found:
                    continue
                code = reads.get(id(binding.node))
                if code is not None:
                    # Code reads the module's names when it runs: any binding may be seen.
                    reaches = bool(code & names)
                else:
                    # A value is built where it is bound, from the bindings that reach there.
                    reaches = any(
                        (held := model.reaching(used, module_scope, binding.ordinal)) is None
                        or any(id(b) in found for b in held.bindings)
                        for used in _held_names(model, binding.value) & names
                    )
                if reaches:
                    found[id(binding)] = name
                    names.add(name)
                    grown = True
    return found


def reaching_names(model: SemanticModel, function: Scope) -> set[str]:
    """The module-level names through which module code can run ``function`` (those
    that :func:`reaching_bindings_of` binds)."""
    return set(reaching_bindings_of(model, function).values())


def _held_names(model: SemanticModel, value: cst.BaseExpression | None) -> set[str]:
    """The names a module-level value may hold something runnable through: all it
    names, except for what a transformed function gives back (``params, state, loss =
    train_step(...)``): transformations return arrays, never code."""
    if value is None:
        return set()
    if isinstance(value, cst.Call):
        callee = model.function_of(value.func, model.module_scope)
        if callee is not None:
            info = model.trace(callee)
            if info.direct_kinds and not info.host:
                return set()
        if isinstance(value.func, cst.Name) and compiled_wrapper(model, value.func.value):
            return set()  # `loss, grads = loss_grad_fn(params)`, a `jax.jit(...)` value
    return _names_in(value)


def module_code_may_run(  # noqa: PLR0913
    model: SemanticModel,
    function: Scope,
    after: int,
    before: int,
    loop: Loop | None,
    *,
    traced_before: bool = False,
) -> bool:
    """Module-level code between the ordinals ``after`` and ``before`` (or anywhere after
    ``after`` in ``loop``, which repeats) may run ``function``: a call there names, as
    what it calls or as an argument, something through which the function is reached.
    Wrapping it (``jax.jit(f)``, ``partial(f, ...)``) runs nothing yet. With
    ``traced_before``, where every compiling wrapper wraps a new object, one bound after
    ``after`` traces anew: running it runs no older trace."""
    through = reaching_bindings_of(model, function)
    names = set(through.values())
    module_scope = model.module_scope
    anew = wrapped_anew(model) if traced_before else None
    for site in model.calls:
        if site.scope is not model.module_scope or site.ordinal <= after:
            continue
        if anew is not None and id(site.call) in anew:
            continue  # `jax.value_and_grad(f)` that `jax.jit(...)` wraps: runs nothing
        if site.ordinal >= before and (loop is None or not loop.contains(site.ordinal)):
            continue
        transform = jf.TRANSFORMS.get(site.qualified_name or "")
        if site.qualified_name == "functools.partial" or (transform and transform.compiles):
            continue
        parts = [site.call.func, *(arg.value for arg in site.call.args)]
        for part in parts:
            for name in _names_in(part) & names:
                # The name at this call: one of its bindings that reach here must be
                # one through which the function runs (`agent` rebound to another
                # agent runs none of the old one's code).
                held = model.reaching(name, module_scope, site.ordinal)
                if held is None or any(
                    id(b) in through
                    and not (anew is not None and fresh_wrapper_after(model, b, after))
                    for b in held.bindings
                ):
                    return True
    return False
