"""The semantic model: one walk over a libcst tree, shared by every rule.

The walk records scopes, bindings, imports and the *sites* rules care about
(subscript stores, calls, expression statements, ...). Facts that need the
whole file — which functions are traced, which names are JAX arrays — are
derived afterwards from those records, without walking the tree again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from jaxlint import jaxfacts as jf
from jaxlint.positions import node_spans

# Fields of libcst nodes that hold code (as opposed to whitespace, punctuation,
# or names that are bindings rather than uses). Walking only these keeps the
# pass cheap.
_CODE_FIELDS = frozenset(
    """annotation args bases body bound cases cause cls comparator comparisons decorator
    decorators default elements elt exc expression finalbody for_in format_spec func guard
    handlers inner_for_in item items iter key keywords kwds kwonly_params left lower msg
    orelse params parts pattern patterns posonly_params rest returns right slice star_arg
    star_kwarg step subject target targets test type type_parameters upper value""".split()
)
_fields_by_type: dict[type, tuple[str, ...]] = {}
_NOT_NODES = frozenset({type(None), cst.MaybeSentinel, str})


def _code_fields(node_type: type) -> tuple[str, ...]:
    names = _fields_by_type.get(node_type)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(node_type) if f.name in _CODE_FIELDS)
        _fields_by_type[node_type] = names
    return names


@dataclass(eq=False)
class Binding:
    """One place where a name is bound."""

    name: str
    kind: str  # param, assign, augassign, annassign, unpack, for, with, import, def, class, ...
    node: cst.CSTNode
    value: cst.BaseExpression | None
    ordinal: int
    scope: Scope
    loop: Loop | None = None
    imported: str = ""  # for imports: the dotted name bound, e.g. "jax.numpy"
    written_in: Scope | None = None  # the scope whose code binds it (differs for global/nonlocal)


@dataclass(eq=False)
class Loop:
    """A ``for``/``while`` loop or a comprehension, spanning ordinals [start, end)."""

    node: cst.CSTNode
    kind: str  # "for", "while", "comprehension"
    start: int
    end: int = 1 << 60
    targets: frozenset[str] = frozenset()
    parent: Loop | None = None

    def contains(self, ordinal: int) -> bool:
        return self.start <= ordinal < self.end


@dataclass(eq=False)
class Branch:
    """One arm of an ``if``/``elif``/``else``, a conditional expression or a ``match``.

    Two arms of the same ``if`` (same ``node``, different ``index``) never both run in
    one pass; an arm that ends in ``return``/``raise``/``continue``/``break``
    (``terminates``) never falls through to the code after its ``if``.
    """

    node: cst.CSTNode  # the If / IfExp / Match
    index: int  # 0: the body; 1: the orelse (for a Match: the case's position)
    parent: Branch | None
    ordinal: int  # where the If / IfExp is
    terminates: bool = False


@dataclass(eq=False)
class Param:
    name: str
    node: cst.Param
    index: int  # position among positional parameters; -1 for keyword-only and star params
    star: str  # "", "*", "**"

    @property
    def annotation(self) -> cst.BaseExpression | None:
        return self.node.annotation.annotation if self.node.annotation else None

    @property
    def default(self) -> cst.BaseExpression | None:
        return self.node.default


@dataclass(eq=False)
class Scope:
    kind: str  # "module", "class", "function", "lambda"
    node: cst.CSTNode
    name: str
    qualname: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    # functions and lambdas
    params: dict[str, Param] = field(default_factory=dict)
    calls: list[Site] = field(default_factory=list)
    loop: Loop | None = None  # the loop that encloses the definition, in the parent scope
    transform_kinds: set[str] = field(default_factory=set)
    # kinds applied to this very function (decorator, passed to a transformation), as
    # opposed to reached through calls: only these make its parameters tracers
    direct_kinds: set[str] = field(default_factory=set)
    traced_via: str = ""  # a short human explanation of why the function is traced
    # calls in this file that reach this function from traced code: (call, its site)
    traced_callers: list[Site] = field(default_factory=list)
    static_params: set[str] = field(default_factory=set)
    unmapped_params: set[str] = field(default_factory=set)  # in_axes=None under vmap
    # Bound by ``functools.partial`` before a transformation: concrete Python values.
    partial_bound: set[str] = field(default_factory=set)
    host: bool = False  # handed to a host callback: runs with concrete values
    string_keyed: set[str] = field(default_factory=set)  # names stored into with "str" keys
    ref_params: bool = False  # a Pallas kernel: parameters are mutable refs
    # classes
    bases: Sequence[cst.Arg] = ()
    instance_attrs: dict[str, list[tuple[cst.BaseExpression, Scope, int]]] = field(
        default_factory=dict
    )
    class_annotations: dict[str, cst.BaseExpression] = field(default_factory=dict)

    @property
    def is_function(self) -> bool:
        return self.kind in ("function", "lambda")

    @property
    def traced(self) -> bool:
        return bool(self.transform_kinds) and not self.host

    @property
    def staged(self) -> bool:
        """Traced by a transformation that stages Python out (jit, vmap, scan, ...)."""
        return self.traced and not self.transform_kinds <= jf.UNSTAGED_KINDS

    def enclosing_function(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and not scope.is_function:
            scope = scope.parent
        return scope

    def staged_function(self) -> Scope | None:
        """The enclosing function, if a staging transformation (jit, vmap, scan, ...)
        traces it: where Python runs once, at trace time, on tracers."""
        function = self.enclosing_function()
        return function if function is not None and function.staged else None

    def enclosing_class(self) -> Scope | None:
        """For a method, the class it is defined in."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None


@dataclass(frozen=True, eq=False)
class Site:
    """A node of interest, with where it sits."""

    node: cst.CSTNode
    scope: Scope
    ordinal: int
    loop: Loop | None
    branch: Branch | None = None


@dataclass(frozen=True, eq=False)
class ConditionSite(Site):
    """Where Python turns a value into a bool: ``if``/``elif``/``while``/``assert``
    tests, conditional expressions, ``and``/``or`` and ``not``."""

    test: cst.BaseExpression = dataclasses.field(default=None)  # type: ignore[assignment]
    kind: str = ""  # "if", "elif", "while", "assert", "ternary", "and", "or", "not"


@dataclass(frozen=True, eq=False)
class StoreSite(Site):
    """An assignment statement (``Assign``, ``AugAssign``, ``AnnAssign``) to a target."""

    target: cst.BaseExpression = dataclasses.field(default=None)  # type: ignore[assignment]
    statement: cst.BaseSmallStatement = dataclasses.field(default=None)  # type: ignore[assignment]
    in_with: bool = False


class SemanticModel:
    """What the rules ask about one file. Build with :func:`build_model`."""

    def __init__(self, module: cst.Module, traced_decorators: Iterable[str] = ()) -> None:
        self.module = module
        self.traced_decorators = frozenset(traced_decorators)
        self.module_scope = Scope("module", module, "<module>", "", None)
        self.scopes: list[Scope] = [self.module_scope]
        self.functions: list[Scope] = []
        self.classes: list[Scope] = []
        self.scope_of_node: dict[int, Scope] = {}  # id(FunctionDef/Lambda/ClassDef) -> scope
        self.subscript_stores: list[StoreSite] = []
        self.attribute_stores: list[StoreSite] = []
        self.global_writes: list[Site] = []
        self.calls: list[Site] = []
        self.expression_statements: list[Site] = []
        self.decorated_defs: list[Site] = []  # FunctionDefs with decorators, with their loop
        self.conditions: list[ConditionSite] = []  # in source order, outer before inner
        self._tested_names: dict[int, frozenset[str]] = {}
        self.annotations: dict[int, cst.BaseExpression] = {}  # id(annotated Name) -> annotation
        self._lines: dict[int, int] = {}  # id(node) -> line, for nodes asked about
        # id(Binding) -> whether the value it binds is traced (see is_traced_value)
        self.traced_bindings: dict[int, bool | None] = {}

    # ------------------------------------------------------------------ names

    def lookup(self, name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
        """Resolve ``name`` as Python would from ``scope``: local, enclosing, module."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if name in current.globals:
                current = self.module_scope
                continue
            # Class bodies are not visible from the functions nested in them.
            if current.kind != "class" or first:
                found = current.bindings.get(name)
                if found:
                    return current, found
            first = False
            current = current.parent
        return None

    def qualified_name(self, expr: cst.BaseExpression, scope: Scope, _depth: int = 0) -> str | None:
        """The canonical dotted name ``expr`` refers to, through imports and aliases."""
        if _depth > 8:
            return None
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, scope)
            if found is None:
                return "builtins." + expr.value
            _, bindings = found
            binding = bindings[-1]
            if binding.kind == "import":
                return jf.canonical(binding.imported)
            if binding.kind == "assign" and len(bindings) == 1 and binding.scope.kind == "module":
                # ``jit = jax.jit`` at module level is an alias.
                if isinstance(binding.value, cst.Name | cst.Attribute):
                    return self.qualified_name(binding.value, binding.scope, _depth + 1)
            return None
        if isinstance(expr, cst.Attribute):
            base = self.qualified_name(expr.value, scope, _depth + 1)
            if base is None or base.startswith("builtins."):
                return None
            return jf.canonical(f"{base}.{expr.attr.value}")
        return None

    # ------------------------------------------------------------- functions

    def function_of(self, expr: cst.BaseExpression, scope: Scope, _depth: int = 0) -> Scope | None:
        """The function (defined in this file) that ``expr`` evaluates to, if known."""
        if _depth > 6:
            return None
        if isinstance(expr, cst.Lambda | cst.FunctionDef):
            return self.scope_of_node.get(id(expr))
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, scope)
            if found is None:
                return None
            _, bindings = found
            binding = bindings[-1]
            if binding.kind == "def":
                return self.scope_of_node.get(id(binding.node))
            if binding.kind == "assign" and binding.value is not None and len(bindings) == 1:
                return self.function_of(binding.value, binding.scope, _depth + 1)
            return None
        if isinstance(expr, cst.Call):
            # functools.partial(f, ...) is f with some arguments bound.
            if self.qualified_name(expr.func, scope) == "functools.partial" and expr.args:
                return self.function_of(expr.args[0].value, scope, _depth + 1)
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            # self.method / cls.method inside a method of the same class.
            function = scope.enclosing_function()
            cls = function.enclosing_class() if function else None
            if function is not None and cls is not None:
                first = next(iter(function.params.values()), None)
                if first is not None and first.name == expr.value.value:
                    return self.method(cls, expr.attr.value)
        return None

    def method(self, cls: Scope, name: str) -> Scope | None:
        for binding in cls.bindings.get(name, ()):
            if binding.kind == "def":
                return self.scope_of_node.get(id(binding.node))
        return None

    def base_names(self, cls: Scope) -> set[str]:
        """Canonical names of a class's bases, following classes defined in this file."""
        names: set[str] = set()
        pending = [cls]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            parent = current.parent or self.module_scope
            for arg in current.bases:
                if arg.keyword is not None:
                    continue
                base_expr = arg.value
                if isinstance(base_expr, cst.Subscript):  # Generic[T]-style bases
                    base_expr = base_expr.value
                qualified = self.qualified_name(base_expr, parent)
                if qualified:
                    names.add(qualified)
                if isinstance(base_expr, cst.Name):
                    found = self.lookup(base_expr.value, parent)
                    if found and found[1][-1].kind == "class":
                        local = self.scope_of_node.get(id(found[1][-1].node))
                        if local is not None:
                            pending.append(local)
        return names

    # ------------------------------------------------------------ array-ness

    def is_array(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool | None:
        """True: a JAX array. False: certainly not one. None: unknown (rules stay silent)."""
        return _ArrayOracle(self).of(expr, scope, ordinal, 0)

    def is_mutable_ref(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool:
        """A ``jax.new_ref``/Pallas ref or a flax NNX Variable: written in place by design."""
        return _ArrayOracle(self).is_ref(expr, scope, ordinal, 0)

    def tested_names(self, function: Scope) -> frozenset[str]:
        """Names that ``function``'s own conditions read (``if _cache is None``,
        ``if key not in table``): state it checks before it writes."""
        cached = self._tested_names.get(id(function))
        if cached is None:
            names: set[str] = set()
            for site in self.conditions:
                if site.scope is function:
                    names.update(_names_read(site.test))
            cached = self._tested_names[id(function)] = frozenset(names)
        return cached

    # ---------------------------------------------------------- traced values

    def is_traced_value(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool | None:
        """Whether ``expr`` (evaluated in ``scope`` at ``ordinal``) is a tracer when its
        function runs under a transformation. True: it depends on a traced argument or
        on a JAX operation in staged code, so its value is unknown at trace time. False:
        a plain Python value known at trace time (a constant, `.shape`/`.dtype`/`len()`,
        a static parameter, a module-level or closed-over Python value). None: unknown;
        rules stay silent."""
        return _TracedValueOracle(self).of(expr, scope, ordinal, 0)

    def assigned_call(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """For a name every binding of which is ``name = some.call(...)``, that call's
        qualified name (``logger = logging.getLogger(...)`` gives ``logging.getLogger``)."""
        if not isinstance(expr, cst.Name):
            return None
        found = self.lookup(expr.value, scope)
        if found is None:
            return None
        names = {
            self.qualified_name(b.value.func, b.written_in or b.scope)
            if b.kind in ("assign", "annassign") and isinstance(b.value, cst.Call)
            else None
            for b in found[1]
        }
        return names.pop() if len(names) == 1 else None

    def holds_prng_key(self, name: str, scope: Scope) -> bool:
        """Some binding of ``name`` in ``scope`` comes from ``jax.random`` (``split``,
        ``key``, ``PRNGKey``, ``fold_in``, ...) or is annotated as a key."""
        for binding in scope.bindings.get(name, ()):
            value = binding.value
            if isinstance(value, cst.Subscript):
                value = value.value  # keys[0], split(key)[1]
            if isinstance(value, cst.Call):
                called = self.qualified_name(value.func, binding.written_in or binding.scope)
                if called is not None and called.startswith("jax.random."):
                    return True
            if binding.kind == "param":
                param = scope.params.get(name)
                annotation = param.annotation if param is not None else None
                if annotation is not None:
                    annotated = self.qualified_name(annotation, scope.parent or scope) or ""
                    if annotated in jf.KEY_ANNOTATIONS:
                        return True
        return False

    # ------------------------------------------------------------ control flow

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

    def bound_between(self, name: str, scope: Scope, start: int, end: int) -> bool:
        """Whether ``name`` is (re)bound in ``scope`` after ordinal ``start``, before ``end``."""
        return any(start < b.ordinal < end for b in scope.bindings.get(name, ()))

    def line_of(self, node: cst.CSTNode) -> int:
        """The 1-based line where ``node`` starts (computed on demand: most files never
        need a position)."""
        found = self._lines.get(id(node))
        if found is None:
            found = self._lines[id(node)] = node_spans(self.module, [node])[id(node)].start_line
        return found

    @staticmethod
    def traced_context(function: Scope) -> str:
        """``in step, decorated with @jax.jit``: where a finding sits and why it is traced."""
        via = f", {function.traced_via}" if function.traced_via else ""
        return f"in {function.qualname}{via}"

    def is_local(self, name: str, function: Scope) -> bool:
        """Bound in ``function`` itself (a parameter, an assignment, a loop target, ...)."""
        return (
            name in function.bindings
            and name not in function.globals
            and name not in function.nonlocals
        )

    def rebind_obstacle(self, target: cst.BaseExpression, scope: Scope, ordinal: int) -> str | None:
        """Why ``target = <new value>`` at this point would not update what ``target``
        refers to (so a rewrite to it would change meaning), or None if it would."""
        if isinstance(target, cst.Name):
            name = target.value
            found = self.lookup(name, scope)
            if found is None:
                return f"`{name}` is not defined in this file"
            owner, bindings = found
            declared = name in scope.globals or name in scope.nonlocals
            if owner is not scope and not declared:
                return (
                    f"`{name}` is not a local name here; assigning to it would make it "
                    "local to the function"
                )
            kinds = {b.kind for b in _reaching_bindings(bindings, ordinal)}
            if "for" in kinds:
                return (
                    f"`{name}` is a loop variable; rebinding it would not update the "
                    "sequence it comes from"
                )
            if "with" in kinds:
                return f"`{name}` is a `with ... as` target; rebinding it would not update it"
            return None
        if isinstance(target, cst.Attribute) and dotted(target) is not None:
            function = scope.enclosing_function()
            cls = function.enclosing_class() if function else None
            if cls is not None and isinstance(target.value, cst.Name) and self.frozen_class(cls):
                return (
                    f"`{dotted(target)}` is a field of the frozen class `{cls.name}`; "
                    "return an updated copy instead"
                )
            return None
        return "the array is not held in a name or attribute that can be reassigned"

    def frozen_class(self, cls: Scope) -> bool:
        if self.base_names(cls) & jf.FROZEN_BASES:
            return True
        for decorator in cls.node.decorators:  # type: ignore[attr-defined]
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                for arg in expr.args:
                    if arg.keyword and arg.keyword.value == "frozen":
                        if isinstance(arg.value, cst.Name) and arg.value.value == "True":
                            return True
                expr = expr.func
            if self.qualified_name(expr, cls.parent or self.module_scope) in (
                "flax.struct.dataclass",
                "chex.dataclass",
            ):
                return True
        return False


class _ArrayOracle:
    """Evaluates array-ness of expressions; a fresh one per question bounds recursion."""

    MAX_DEPTH = 10

    def __init__(self, model: SemanticModel) -> None:
        self.model = model

    def of(self, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int) -> bool | None:
        if depth > self.MAX_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False"):
                return False
            return self.of_name(expr.value, scope, ordinal, depth)
        if isinstance(
            expr,
            cst.List
            | cst.Tuple
            | cst.Dict
            | cst.Set
            | cst.ListComp
            | cst.DictComp
            | cst.SetComp
            | cst.GeneratorExp
            | cst.BaseString
            | cst.Integer
            | cst.Float
            | cst.Imaginary
            | cst.Lambda
            | cst.Comparison,
        ):
            return False
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal, depth)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.left, cst.List | cst.Tuple | cst.ListComp) or isinstance(
                expr.right, cst.List | cst.Tuple | cst.ListComp
            ):
                return False  # sequence repetition or concatenation
            left = self.of(expr.left, scope, ordinal, depth)
            right = self.of(expr.right, scope, ordinal, depth)
            if left or right:
                return True
            return False if left is False and right is False else None
        if isinstance(expr, cst.UnaryOperation):
            if isinstance(expr.operator, cst.Not):
                return False
            return self.of(expr.expression, scope, ordinal, depth)
        if isinstance(expr, cst.Subscript):
            base = self.of(expr.value, scope, ordinal, depth)
            if base is False and all(isinstance(e.slice, cst.Slice) for e in expr.slice):
                return False  # a slice of a list is a list
            return True if base else None
        if isinstance(expr, cst.Attribute):
            if expr.attr.value in jf.ARRAY_ATTRIBUTES:
                return True if self.of(expr.value, scope, ordinal, depth) else None
            return self.of_attribute(expr, scope, ordinal, depth)
        if isinstance(expr, cst.IfExp):
            body = self.of(expr.body, scope, ordinal, depth)
            orelse = self.of(expr.orelse, scope, ordinal, depth)
            return body if body == orelse else None
        if isinstance(expr, cst.NamedExpr):
            return self.of(expr.value, scope, ordinal, depth)
        return None

    def of_call(self, call: cst.Call, scope: Scope, ordinal: int, depth: int) -> bool | None:
        model = self.model
        func = call.func
        # x.at[i].set(v) and friends
        if at_update(call) is not None:
            return True
        name = model.qualified_name(func, scope)
        if name is not None:
            if name in jf.REF_CALLS:
                return False
            if name in jf.ARRAY_CALLS:
                return True
            if name.startswith(jf.ARRAY_NAMESPACES):
                if name.rsplit(".", 1)[-1].startswith("_"):
                    return None  # private helpers return anything
                if name in jf.NON_ARRAY_CALLS or name.startswith(jf.NON_ARRAY_NAMESPACES):
                    return None
                return True
            if name.startswith(("numpy.", "builtins.")):
                return False
            return None
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in jf.ARRAY_METHODS:
                return True if self.of(func.value, scope, ordinal, depth) else None
            if method in ("tolist", "item"):
                return False
        return None

    def of_name(self, name: str, scope: Scope, ordinal: int, depth: int) -> bool | None:
        found = self.model.lookup(name, scope)
        if found is None:
            return None
        owner, bindings = found
        if name in owner.string_keyed:
            return False  # written with string keys somewhere: a dict
        if owner is not scope and owner.kind != "module":
            ordinal = 1 << 60  # a closure: any binding of the enclosing function may apply
        chosen = _reaching_bindings(bindings, ordinal if owner is scope else 1 << 60)
        results = {self.of_binding(binding, depth) for binding in chosen}
        if len(results) == 1:
            return results.pop()
        return None

    def of_binding(self, binding: Binding, depth: int) -> bool | None:
        if binding.kind == "param":
            return self.of_param(binding, depth)
        if binding.kind == "annassign" and isinstance(binding.node, cst.Name):
            annotation = self.model.annotations.get(id(binding.node))
            if annotation is not None:
                kind = self.of_annotation(annotation, binding.written_in or binding.scope)
                if kind is not None:
                    return kind
        if binding.kind in ("assign", "annassign", "walrus") and binding.value is not None:
            return self.of(
                binding.value, binding.written_in or binding.scope, binding.ordinal, depth
            )
        if binding.kind == "augassign" and binding.value is not None:
            # x += v keeps x's kind: look at what x was before.
            before = self.of_name(binding.name, binding.scope, binding.ordinal, depth)
            return True if before else before
        if binding.kind in ("def", "class", "import"):
            return False
        return None

    def of_param(self, binding: Binding, depth: int) -> bool | None:
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None:
            return None
        if param.star:
            return False  # *args is a tuple, **kwargs a dict
        if function.ref_params or param.name.endswith("_ref"):
            return False  # Pallas kernels receive mutable refs
        annotation = param.annotation
        if annotation is not None:
            kind = self.of_annotation(annotation, function.parent or self.model.module_scope)
            if kind is not None:
                return kind
        if function.enclosing_class() is not None and param.index == 0:
            return False  # self / cls
        if param.name in function.static_params:
            return False
        if param.name in function.partial_bound:
            return None  # a concrete value bound before tracing: array or not, unknown
        if function.direct_kinds & _ARRAY_PARAM_KINDS:
            # Handed to a transformation: its arguments are traced arrays (or pytrees).
            default = param.default
            if default is None:
                return True
            if isinstance(default, cst.Name) and default.value == "None":
                return None
            return False if isinstance(default, cst.BaseNumber | cst.BaseString) else None
        if function.traced_callers:
            # Traced because traced code calls it: its parameters hold what callers pass
            # (a list of arrays is a list). Callers in other modules are out of sight.
            bound = 1 if function.enclosing_class() is not None else 0  # self.method(x)
            kinds = set()
            for site in function.traced_callers:
                expr = argument_for(param, site.node, bound)  # type: ignore[arg-type]
                kinds.add(None if expr is None else self.of(expr, site.scope, site.ordinal, depth))
            return kinds.pop() if len(kinds) == 1 else None
        return None

    def of_annotation(self, annotation: cst.BaseExpression, scope: Scope) -> bool | None:
        model = self.model
        if isinstance(annotation, cst.Subscript):
            name = model.qualified_name(annotation.value, scope)
            if name and name.startswith(jf.JAXTYPING_MODULE + ".") and annotation.slice:
                first = annotation.slice[0].slice
                if isinstance(first, cst.Index):
                    return self.of_annotation(first.value, scope)
            if name in ("typing.Optional", "typing.Union"):
                return None
            return False if name in jf.NON_ARRAY_ANNOTATIONS else None
        if isinstance(annotation, cst.BaseString):
            return None
        name = model.qualified_name(annotation, scope)
        if name in jf.ARRAY_ANNOTATIONS:
            return True
        if name in jf.NON_ARRAY_ANNOTATIONS:
            return False
        return None

    def of_attribute(
        self, expr: cst.Attribute, scope: Scope, ordinal: int, depth: int
    ) -> bool | None:
        """``self.w``: what the class's methods store in ``w``, or how it is annotated."""
        if not isinstance(expr.value, cst.Name):
            return None
        function = scope.enclosing_function()
        cls = function.enclosing_class() if function else None
        if function is None or cls is None:
            return None
        first = next(iter(function.params.values()), None)
        if first is None or first.name != expr.value.value:
            return None
        attr = expr.attr.value
        annotation = cls.class_annotations.get(attr)
        if annotation is not None:
            kind = self.of_annotation(annotation, cls)
            if kind is not None:
                return kind
        stores = cls.instance_attrs.get(attr)
        if not stores:
            return None
        results = {self.of(value, where, at, depth) for value, where, at in stores}
        return results.pop() if len(results) == 1 else None

    def is_ref(self, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int) -> bool:
        if depth > self.MAX_DEPTH:
            return False
        if isinstance(expr, cst.Call):
            name = self.model.qualified_name(expr.func, scope)
            return name in jf.REF_CALLS
        if isinstance(expr, cst.Name):
            if expr.value.endswith("_ref"):
                return True
            found = self.model.lookup(expr.value, scope)
            if found is None:
                return False
            owner, bindings = found
            for binding in _reaching_bindings(bindings, ordinal if owner is scope else 1 << 60):
                if binding.kind == "param" and binding.scope.ref_params:
                    return True
                if binding.value is not None and self.is_ref(
                    binding.value, binding.scope, binding.ordinal, depth + 1
                ):
                    return True
            return False
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            function = scope.enclosing_function()
            cls = function.enclosing_class() if function else None
            if cls is not None:
                for value, where, at in cls.instance_attrs.get(expr.attr.value, ()):
                    if self.is_ref(value, where, at, depth + 1):
                        return True
        return False


#: Transformation kinds whose functions receive tracers as (non-static) arguments.
#: Not "custom_rule": a jvp/vjp rule also receives the primal's nondiff arguments, in
#: positions the rule's registration does not tell.
_TRACING_KINDS = frozenset({"jit", "vmap", "shape", "loop", "checkpoint", "custom", "user"})
#: Transformations whose functions receive arrays: flax module methods too.
_ARRAY_PARAM_KINDS = _TRACING_KINDS | {"module"}
_UNKNOWN = object()


def _combine(results: Iterable[bool | None]) -> bool | None:
    """Traced if any part is; static if every part is; else unknown."""
    all_static = True
    for result in results:
        if result:
            return True
        if result is None:
            all_static = False
    return False if all_static else None


class _TracedValueOracle:
    """Answers :meth:`SemanticModel.is_traced_value`; a fresh one per question."""

    MAX_DEPTH = 12

    def __init__(self, model: SemanticModel) -> None:
        self.model = model

    def of(self, expr: cst.BaseExpression, scope: Scope, ordinal: int, depth: int) -> bool | None:
        if depth > self.MAX_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False"):
                return False
            return self.of_name(expr.value, scope, ordinal, depth)
        if isinstance(expr, cst.BaseNumber | cst.SimpleString | cst.ConcatenatedString):
            return False
        if isinstance(expr, cst.Lambda | cst.Ellipsis):
            return False
        if isinstance(expr, cst.FormattedString):
            return _combine(
                self.of(part.expression, scope, ordinal, depth)
                for part in expr.parts
                if isinstance(part, cst.FormattedStringExpression)
            )
        if isinstance(expr, cst.List | cst.Tuple | cst.Set):
            return _combine(self.of(e.value, scope, ordinal, depth) for e in expr.elements)
        if isinstance(expr, cst.Dict):
            return _combine(
                self.of(e.value, scope, ordinal, depth)
                for e in expr.elements
                if isinstance(e, cst.DictElement)
            )
        if isinstance(expr, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            return self.of(expr.elt, scope, ordinal, depth)
        if isinstance(expr, cst.Attribute):
            return self.of_attribute(expr, scope, ordinal, depth)
        if isinstance(expr, cst.Subscript):
            base = self.of(expr.value, scope, ordinal, depth)
            if base:
                return True
            indices = _combine(self.of_slice(e.slice, scope, ordinal, depth) for e in expr.slice)
            return False if base is False and indices is False else None
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal, depth)
        if isinstance(expr, cst.BinaryOperation | cst.BooleanOperation):
            return _combine(
                (
                    self.of(expr.left, scope, ordinal, depth),
                    self.of(expr.right, scope, ordinal, depth),
                )
            )
        if isinstance(expr, cst.UnaryOperation):
            return self.of(expr.expression, scope, ordinal, depth)
        if isinstance(expr, cst.Comparison):
            return self.of_comparison(expr, scope, ordinal, depth)
        if isinstance(expr, cst.IfExp):
            return _combine(
                (
                    self.of(expr.body, scope, ordinal, depth),
                    self.of(expr.orelse, scope, ordinal, depth),
                )
            )
        if isinstance(expr, cst.NamedExpr):
            return self.of(expr.value, scope, ordinal, depth)
        return None

    def of_slice(self, index: cst.BaseSlice, scope: Scope, ordinal: int, depth: int) -> bool | None:
        if isinstance(index, cst.Index):
            return self.of(index.value, scope, ordinal, depth)
        if isinstance(index, cst.Slice):
            return _combine(
                self.of(part, scope, ordinal, depth)
                for part in (index.lower, index.upper, index.step)
                if part is not None
            )
        return None

    def of_comparison(
        self, expr: cst.Comparison, scope: Scope, ordinal: int, depth: int
    ) -> bool | None:
        operators = [target.operator for target in expr.comparisons]
        if all(isinstance(op, cst.Is | cst.IsNot) for op in operators):
            return False  # identity is decided by Python, never by a traced value
        left = self.of(expr.left, scope, ordinal, depth)
        if all(isinstance(op, cst.In | cst.NotIn) for op in operators):
            # ``"w" in params``: membership of a static key in a container is static.
            return False if left is False else left
        return _combine(
            [left, *(self.of(t.comparator, scope, ordinal, depth) for t in expr.comparisons)]
        )

    def of_attribute(
        self, expr: cst.Attribute, scope: Scope, ordinal: int, depth: int
    ) -> bool | None:
        attr = expr.attr.value
        if attr in jf.STATIC_ATTRIBUTES:
            return False
        if self.model.qualified_name(expr, scope) is not None:
            return False  # a module attribute: np.pi, jnp.float32, math.inf
        base = self.of(expr.value, scope, ordinal, depth)
        if base is False:
            return False  # an attribute of a Python object known at trace time
        if base and attr in jf.ARRAY_ATTRIBUTES:
            return True
        return None  # a field of a traced pytree may be static (equinox, flax.struct)

    def of_call(self, call: cst.Call, scope: Scope, ordinal: int, depth: int) -> bool | None:
        model = self.model
        name = model.qualified_name(call.func, scope)

        def arguments() -> bool | None:
            return _combine(self.of(arg.value, scope, ordinal, depth) for arg in call.args)

        if name is not None:
            if name in jf.STATIC_RESULT_CALLS:
                return False
            if name in jf.PYTHON_CONVERSIONS:
                # int(tracer) fails (JL006 reports it there); int(static) is static.
                return False if arguments() is False else None
            if name.rsplit(".", 1)[-1].startswith("_"):
                return None  # private helpers return anything, metadata included
            if name in jf.ARRAY_CALLS or name.startswith(jf.ARRAY_NAMESPACES):
                function = scope.enclosing_function()
                if function is not None and function.staged:
                    return True  # every JAX operation in staged code yields a tracer
                return arguments()
            if name.startswith(("builtins.", "numpy.", "math.", "jax.tree_util.", "jax.tree.")):
                return arguments()
            return None  # other helpers (jax internals included) may return static metadata
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method == "keys":
                return False  # pytree keys are static even when the values are traced
            receiver = self.of(call.func.value, scope, ordinal, depth)
            if receiver and method in jf.TRACED_METHODS:
                return True
            if receiver is False and method not in jf.CONCRETE_METHODS:
                # A method of a Python object known at trace time (``self.norm(x)``,
                # ``config.get("lr")``): static when its arguments are.
                return False if arguments() is False else None
        return None

    def of_name(self, name: str, scope: Scope, ordinal: int, depth: int) -> bool | None:
        found = self.model.lookup(name, scope)
        if found is None:
            return False  # a builtin
        owner, bindings = found
        if not owner.is_function:
            return False  # module-level and class-level values are concrete, not tracers
        if owner is not scope:
            ordinal = 1 << 60  # a closure: any binding of the enclosing function may apply
        return _combine(self.of_binding(b, depth) for b in _reaching_bindings(bindings, ordinal))

    def of_binding(self, binding: Binding, depth: int) -> bool | None:
        cache = self.model.traced_bindings
        cached = cache.get(id(binding), _UNKNOWN)
        if cached is not _UNKNOWN:
            return cached  # type: ignore[return-value]
        cache[id(binding)] = None  # a cycle through this binding is unknown
        result = self.compute_binding(binding, depth)
        cache[id(binding)] = result
        return result

    def compute_binding(self, binding: Binding, depth: int) -> bool | None:
        where = binding.written_in or binding.scope
        if binding.kind == "param":
            return self.of_param(binding, depth)
        if binding.kind in ("def", "class", "import"):
            return False
        if binding.kind == "augassign" and binding.value is not None:
            before = self.of_name(binding.name, binding.scope, binding.ordinal, depth)
            return _combine((before, self.of(binding.value, where, binding.ordinal, depth)))
        if binding.kind in ("assign", "annassign", "walrus", "unpack", "for"):
            if binding.value is not None:
                return self.of(binding.value, where, binding.ordinal, depth)
        return None

    def of_param(self, binding: Binding, depth: int) -> bool | None:
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None or param.star or function.ref_params or function.host:
            return None
        if param.name in function.static_params or param.name in function.partial_bound:
            return False
        if function.enclosing_class() is not None and param.index == 0:
            return False  # self / cls
        if param.name in function.unmapped_params:
            return None
        annotation = param.annotation
        if annotation is not None:
            annotated = self.model.qualified_name(annotation, function.parent or function)
            if annotated in ("builtins.str", "typing.Callable", "collections.abc.Callable"):
                return False  # cannot be a jit argument, so it is a static one
        if function.direct_kinds & _TRACING_KINDS:
            return True if param.default is None else None
        if function.traced_callers:
            bound = 1 if function.enclosing_class() is not None else 0  # self.method(x)
            return _combine(
                self.of_argument(param, site, bound, depth) for site in function.traced_callers
            )
        return None

    def of_argument(self, param: Param, site: Site, bound: int, depth: int) -> bool | None:
        """What a traced caller passes for ``param`` at one call site."""
        expr = argument_for(param, site.node, bound)  # type: ignore[arg-type]
        return None if expr is None else self.of(expr, site.scope, site.ordinal, depth)


def argument_for(param: Param, call: cst.Call, bound: int) -> cst.BaseExpression | None:
    """The expression ``call`` passes for ``param`` (its default when it passes none);
    None when unknown (``*args``). ``bound`` counts arguments a method call binds first
    (``self``), which only an attribute call (``self.method(x)``) does."""
    positional = bound if isinstance(call.func, cst.Attribute) else 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if positional == param.index:
                return arg.value
            positional += 1
        elif arg.keyword.value == param.name:
            return arg.value
    return param.default


def _reaching_bindings(bindings: list[Binding], ordinal: int) -> list[Binding]:
    """The binding nearest before ``ordinal`` in source order, or all of them if none is.

    Source order approximates control flow well in straight-line array code; when a
    use precedes every binding (loop-carried values), all bindings may reach it.
    """
    before = [b for b in bindings if b.ordinal < ordinal]
    if not before:
        return bindings
    last = before[-1]
    if last.loop is not None and last.loop.contains(ordinal):
        # Inside a loop, a later binding in the same loop reaches the next iteration.
        return [last] + [
            b for b in bindings if b.ordinal > ordinal and last.loop.contains(b.ordinal)
        ]
    return [last]


def _names_read(expr: cst.CSTNode) -> Iterator[str]:
    """Plain names read by a condition, through comparisons, calls and attributes."""
    if isinstance(expr, cst.Name):
        yield expr.value
    elif isinstance(expr, cst.Attribute | cst.Subscript):
        yield from _names_read(expr.value)
    elif isinstance(expr, cst.UnaryOperation):
        yield from _names_read(expr.expression)
    elif isinstance(expr, cst.BooleanOperation | cst.BinaryOperation):
        yield from _names_read(expr.left)
        yield from _names_read(expr.right)
    elif isinstance(expr, cst.Comparison):
        yield from _names_read(expr.left)
        for target in expr.comparisons:
            yield from _names_read(target.comparator)
    elif isinstance(expr, cst.Call):
        yield from _names_read(expr.func)
        for arg in expr.args:
            yield from _names_read(arg.value)


def dotted(expr: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


def at_update(call: cst.Call) -> tuple[cst.BaseExpression, cst.Subscript, str] | None:
    """For ``base.at[idx].op(...)`` return (base, the ``base.at[idx]`` subscript, op)."""
    func = call.func
    if (
        isinstance(func, cst.Attribute)
        and func.attr.value in jf.AT_UPDATE_METHODS
        and isinstance(func.value, cst.Subscript)
        and isinstance(func.value.value, cst.Attribute)
        and func.value.value.attr.value == "at"
    ):
        return func.value.value.value, func.value, func.attr.value
    return None


def _element_sources(
    iterable: cst.BaseExpression | None, count: int
) -> list[cst.BaseExpression | None] | None:
    """For ``for a, b in zip(xs, ys)`` the iterable each target draws from; for
    ``for i, x in enumerate(xs)``, nothing known for ``i`` (a counter) and ``xs`` for x."""
    if not isinstance(iterable, cst.Call) or not isinstance(iterable.func, cst.Name):
        return None
    args = [arg.value for arg in iterable.args if arg.keyword is None and not arg.star]
    if iterable.func.value == "zip" and len(args) == count:
        return list(args)
    if iterable.func.value == "enumerate" and count == 2 and args:
        return [None, args[0]]
    return None


_FLOW_ENDS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


def _ends_flow(body: cst.CSTNode) -> bool:
    """A block whose last statement is ``return``/``raise``/``continue``/``break``."""
    if isinstance(body, cst.Else):
        body = body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return bool(body.body) and isinstance(body.body[-1], _FLOW_ENDS)
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False  # an expression (the arm of a conditional expression)
    last = body.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], _FLOW_ENDS)


class _Builder:
    """The one walk. Records facts; decides nothing that needs the whole file."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.scope = model.module_scope
        self.loop: Loop | None = None
        self.branch: Branch | None = None
        self.ordinal = 0
        self.in_with = 0
        self.handlers = {
            cst.FunctionDef: self.visit_function_def,
            cst.Lambda: self.visit_lambda,
            cst.ClassDef: self.visit_class_def,
            cst.Import: self.visit_import,
            cst.ImportFrom: self.visit_import_from,
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
            cst.Global: self.visit_global,
            cst.Nonlocal: self.visit_nonlocal,
            cst.Expr: self.visit_expr,
            cst.Call: self.visit_call,
            cst.ExceptHandler: self.visit_except_handler,
            cst.If: self.visit_if,
            cst.Match: self.visit_match,
            cst.IfExp: self.visit_if_exp,
            cst.Assert: self.visit_assert,
            cst.BooleanOperation: self.visit_boolean_operation,
            cst.UnaryOperation: self.visit_unary_operation,
        }

    # -------------------------------------------------------------- plumbing

    def walk(self, node: cst.CSTNode) -> None:
        self.ordinal += 1
        handler = self.handlers.get(type(node))
        if handler is not None:
            handler(node)
        else:
            self.children(node)

    def children(self, node: cst.CSTNode) -> None:
        # Exact class tests, not isinstance: CSTNode is an ABC, whose checks cost more
        # than the rest of the walk. A code field holds a node, a sequence of nodes,
        # None, a MaybeSentinel or (in a few nodes) a plain string.
        for name in _code_fields(type(node)):
            value = getattr(node, name)
            kind = value.__class__
            if kind is tuple or kind is list:
                for item in value:
                    if item.__class__ not in _NOT_NODES:
                        self.walk(item)
            elif kind not in _NOT_NODES:
                self.walk(value)

    def walk_all(self, nodes: Iterable[cst.CSTNode | None]) -> None:
        for node in nodes:
            if node is not None:
                self.walk(node)

    def bind(
        self,
        name: str,
        kind: str,
        node: cst.CSTNode,
        value: cst.BaseExpression | None = None,
        imported: str = "",
    ) -> None:
        scope = self.scope
        if name in scope.globals or name in scope.nonlocals:
            if scope.is_function:
                self.model.global_writes.append(
                    Site(node, scope, self.ordinal, self.loop, self.branch)
                )
            if name in scope.globals:
                owner = self.model.module_scope
            else:
                found = self.model.lookup(name, scope.parent or self.model.module_scope)
                owner = found[0] if found else scope
        else:
            owner = scope
        owner.bindings.setdefault(name, []).append(
            Binding(name, kind, node, value, self.ordinal, owner, self.loop, imported, scope)
        )

    def bind_target(
        self, target: cst.BaseExpression, kind: str, value: cst.BaseExpression | None
    ) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, kind, target, value)
        elif isinstance(target, cst.Tuple | cst.List):
            values = _element_sources(value, len(target.elements)) if kind == "for" else None
            for position, element in enumerate(target.elements):
                self.bind_target(
                    element.value,
                    "unpack" if kind != "for" else kind,
                    values[position] if values else value if kind == "for" else None,
                )
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, "unpack", None)

    def enter_scope(self, kind: str, node: cst.CSTNode, name: str) -> Scope:
        parent = self.scope
        prefix = parent.qualname + "." if parent.qualname else ""
        if parent.is_function:
            prefix = parent.qualname + ".<locals>."
        scope = Scope(kind, node, name, prefix + name, parent)
        scope.loop = self.loop
        self.model.scopes.append(scope)
        self.model.scope_of_node[id(node)] = scope
        return scope

    def run_in_scope(self, scope: Scope, body: Iterable[cst.CSTNode | None]) -> None:
        saved = self.scope, self.loop, self.in_with, self.branch
        self.scope, self.loop, self.in_with, self.branch = scope, None, 0, None
        self.walk_all(body)
        self.scope, self.loop, self.in_with, self.branch = saved

    def add_params(self, scope: Scope, params: cst.Parameters) -> None:
        index = 0
        for param in (*params.posonly_params, *params.params):
            scope.params[param.name.value] = Param(param.name.value, param, index, "")
            index += 1
        if isinstance(params.star_arg, cst.Param):
            scope.params[params.star_arg.name.value] = Param(
                params.star_arg.name.value, params.star_arg, -1, "*"
            )
        for param in params.kwonly_params:
            scope.params[param.name.value] = Param(param.name.value, param, -1, "")
        if params.star_kwarg is not None:
            scope.params[params.star_kwarg.name.value] = Param(
                params.star_kwarg.name.value, params.star_kwarg, -1, "**"
            )
        for name, param in scope.params.items():
            scope.bindings.setdefault(name, []).append(
                Binding(name, "param", param.node, None, self.ordinal, scope)
            )

    def param_defaults(self, params: cst.Parameters) -> list[cst.CSTNode | None]:
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
            self.model.decorated_defs.append(
                Site(node, self.scope, self.ordinal, self.loop, self.branch)
            )
        self.bind(node.name.value, "def", node)
        scope = self.enter_scope("function", node, node.name.value)
        self.model.functions.append(scope)
        self.add_params(scope, node.params)
        self.run_in_scope(scope, [node.body])

    def visit_lambda(self, node: cst.Lambda) -> None:
        self.walk_all(self.param_defaults(node.params))
        scope = self.enter_scope("lambda", node, "<lambda>")
        self.model.functions.append(scope)
        self.add_params(scope, node.params)
        self.run_in_scope(scope, [node.body])

    def visit_class_def(self, node: cst.ClassDef) -> None:
        self.walk_all(d.decorator for d in node.decorators)
        self.walk_all(arg.value for arg in (*node.bases, *node.keywords))
        self.bind(node.name.value, "class", node)
        scope = self.enter_scope("class", node, node.name.value)
        scope.bases = node.bases
        self.model.classes.append(scope)
        self.run_in_scope(scope, [node.body])

    def visit_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name.value, "import", node, imported=full)
            else:
                # ``import a.b`` binds ``a``.
                top = full.split(".")[0]
                self.bind(top, "import", node, imported=top)

    def visit_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = dotted(node.module) if node.module is not None else ""
        dots = "." * len(node.relative)
        for alias in node.names:
            imported = dotted(alias.name) or ""
            full = f"{dots}{module}.{imported}" if module else f"{dots}{imported}"
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bind(local, "import", node, imported=full)

    def visit_assign(self, node: cst.Assign) -> None:
        self.walk(node.value)
        for target in node.targets:
            self.store(target.target, node, node.value, "assign")

    def visit_aug_assign(self, node: cst.AugAssign) -> None:
        self.walk(node.value)
        self.store(node.target, node, node.value, "augassign")

    def visit_ann_assign(self, node: cst.AnnAssign) -> None:
        self.walk(node.annotation.annotation)
        if node.value is not None:
            self.walk(node.value)
        if self.scope.kind == "class" and isinstance(node.target, cst.Name):
            self.scope.class_annotations[node.target.value] = node.annotation.annotation
        if isinstance(node.target, cst.Name):
            self.model.annotations[id(node.target)] = node.annotation.annotation
        if node.value is not None or self.scope.kind != "class":
            self.store(node.target, node, node.value, "annassign")

    def store(
        self,
        target: cst.BaseExpression,
        statement: cst.BaseSmallStatement,
        value: cst.BaseExpression | None,
        kind: str,
    ) -> None:
        model = self.model
        if isinstance(target, cst.Subscript):
            self.walk(target)
            if isinstance(target.value, cst.Name) and any(
                isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.BaseString)
                for e in target.slice
            ):
                found = model.lookup(target.value.value, self.scope)
                (found[0] if found else self.scope).string_keyed.add(target.value.value)
            model.subscript_stores.append(
                StoreSite(
                    target,
                    self.scope,
                    self.ordinal,
                    self.loop,
                    self.branch,
                    target=target,
                    statement=statement,
                    in_with=self.in_with > 0,
                )
            )
        elif isinstance(target, cst.Attribute):
            self.walk(target.value)
            site = StoreSite(
                target,
                self.scope,
                self.ordinal,
                self.loop,
                self.branch,
                target=target,
                statement=statement,
                in_with=self.in_with > 0,
            )
            model.attribute_stores.append(site)
            function = self.scope
            cls = function.enclosing_class()
            if (
                cls is not None
                and value is not None
                and isinstance(target.value, cst.Name)
                and function.params
                and next(iter(function.params)) == target.value.value
            ):
                cls.instance_attrs.setdefault(target.attr.value, []).append(
                    (value, function, self.ordinal)
                )
        elif isinstance(target, cst.Tuple | cst.List):
            # Each unpacked name keeps the whole right-hand side as its value: enough to
            # tell ``n, m = x.shape`` (static) from ``a, b = jnp.split(x)`` (traced).
            for element in target.elements:
                self.store(element.value, statement, value, "unpack")
        elif isinstance(target, cst.StarredElement):
            self.store(target.value, statement, value, "unpack")
        elif isinstance(target, cst.Name):
            self.bind(target.value, kind, target, value)

    def visit_named_expr(self, node: cst.NamedExpr) -> None:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, "walrus", node.target, node.value)

    def loop_targets(self, target: cst.BaseExpression) -> frozenset[str]:
        if isinstance(target, cst.Name):
            return frozenset([target.value])
        if isinstance(target, cst.Tuple | cst.List):
            names: set[str] = set()
            for element in target.elements:
                names |= self.loop_targets(element.value)
            return frozenset(names)
        if isinstance(target, cst.StarredElement):
            return self.loop_targets(target.value)
        return frozenset()

    def run_loop(self, loop: Loop, body: Iterable[cst.CSTNode | None]) -> None:
        saved = self.loop
        self.loop = loop
        self.walk_all(body)
        self.loop = saved
        loop.end = self.ordinal + 1

    def visit_for(self, node: cst.For) -> None:
        self.walk(node.iter)
        loop = Loop(
            node, "for", self.ordinal, targets=self.loop_targets(node.target), parent=self.loop
        )
        saved = self.loop
        self.loop = loop
        self.bind_target(node.target, "for", node.iter)
        self.loop = saved
        self.run_loop(loop, [node.body])
        self.walk_all([node.orelse])

    def visit_while(self, node: cst.While) -> None:
        self.condition(node, node.test, "while")
        loop = Loop(node, "while", self.ordinal, parent=self.loop)
        self.run_loop(loop, [node.test, node.body])
        self.walk_all([node.orelse])

    def visit_comprehension(self, node: cst.BaseComp) -> None:
        for_in: cst.CompFor | None = node.for_in  # type: ignore[attr-defined]
        # The first iterable is evaluated outside the comprehension's loop.
        self.walk(for_in.iter)  # type: ignore[union-attr]
        loop = Loop(node, "comprehension", self.ordinal, parent=self.loop)
        saved = self.loop
        self.loop = loop
        clause = for_in
        first = True
        while clause is not None:
            if not first:
                self.walk(clause.iter)
            first = False
            self.bind_target(clause.target, "for", None)
            loop.targets |= self.loop_targets(clause.target)
            self.walk_all(condition.test for condition in clause.ifs)
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            self.walk_all([node.key, node.value])
        else:
            self.walk(node.elt)  # type: ignore[attr-defined]
        self.loop = saved
        loop.end = self.ordinal + 1

    def visit_with(self, node: cst.With) -> None:
        for item in node.items:
            self.walk(item.item)
            if item.asname is not None:
                self.bind_target(item.asname.name, "with", None)  # type: ignore[arg-type]
        self.in_with += 1
        self.walk(node.body)
        self.in_with -= 1

    def visit_global(self, node: cst.Global) -> None:
        self.scope.globals.update(item.name.value for item in node.names)

    def visit_nonlocal(self, node: cst.Nonlocal) -> None:
        self.scope.nonlocals.update(item.name.value for item in node.names)

    def visit_expr(self, node: cst.Expr) -> None:
        self.model.expression_statements.append(
            Site(node, self.scope, self.ordinal, self.loop, self.branch)
        )
        self.walk(node.value)

    def visit_call(self, node: cst.Call) -> None:
        site = Site(node, self.scope, self.ordinal, self.loop, self.branch)
        self.model.calls.append(site)
        if self.scope.is_function:
            self.scope.calls.append(site)
        self.children(node)

    def condition(self, node: cst.CSTNode, test: cst.BaseExpression, kind: str) -> None:
        self.model.conditions.append(
            ConditionSite(
                node, self.scope, self.ordinal, self.loop, self.branch, test=test, kind=kind
            )
        )

    def in_branch(self, node: cst.CSTNode, index: int, body: cst.CSTNode) -> None:
        saved = self.branch
        branch = Branch(node, index, saved, self.ordinal)
        self.branch = branch
        self.walk(body)
        self.branch = saved
        branch.terminates = _ends_flow(body)

    def visit_if(self, node: cst.If, kind: str = "if") -> None:
        self.condition(node, node.test, kind)
        self.walk(node.test)
        self.in_branch(node, 0, node.body)
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            saved = self.branch
            self.branch = Branch(node, 1, saved, self.ordinal)
            self.ordinal += 1
            self.visit_if(orelse, "elif")
            self.branch = saved
        elif orelse is not None:
            self.in_branch(node, 1, orelse)

    def visit_match(self, node: cst.Match) -> None:
        # At most one case body runs: the cases are exclusive arms, as if/elif arms are.
        self.walk(node.subject)
        for index, case in enumerate(node.cases):
            self.walk(case.pattern)
            if case.guard is not None:
                self.walk(case.guard)
            self.in_branch(node, index, case.body)

    def visit_if_exp(self, node: cst.IfExp) -> None:
        self.condition(node, node.test, "ternary")
        self.walk(node.test)
        self.in_branch(node, 0, node.body)
        self.in_branch(node, 1, node.orelse)

    def visit_assert(self, node: cst.Assert) -> None:
        self.condition(node, node.test, "assert")
        self.children(node)

    def visit_boolean_operation(self, node: cst.BooleanOperation) -> None:
        kind = "and" if isinstance(node.operator, cst.And) else "or"
        self.condition(node, node.left, kind)
        self.children(node)

    def visit_unary_operation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self.condition(node, node.expression, "not")
        self.children(node)

    def visit_except_handler(self, node: cst.ExceptHandler) -> None:
        if node.type is not None:
            self.walk(node.type)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.bind(node.name.name.value, "except", node.name.name, None)
        self.walk(node.body)


class _TracedResolver:
    """Marks which functions are traced: decorated with or passed to a transformation,
    or reached from one through calls in this file."""

    def __init__(self, model: SemanticModel, external_traced: Mapping[str, str]) -> None:
        self.model = model
        self.external_traced = external_traced

    def run(self) -> None:
        model = self.model
        if self.external_traced:
            for function in model.functions:
                via = self.external_traced.get(function.qualname)
                if via is not None:
                    # Traced from another module: staged, but what its parameters hold
                    # is decided there, so they stay unknown here.
                    function.transform_kinds.add("external")
                    function.traced_via = function.traced_via or via
        for site in model.decorated_defs:
            self.from_decorators(site.node, site.scope)  # type: ignore[arg-type]
        for site in model.calls:
            self.from_call(site.node, site.scope)  # type: ignore[arg-type]
        for cls in model.classes:
            if model.base_names(cls) & jf.TRACED_MODULE_BASES:
                for method_name in jf.TRACED_MODULE_METHODS:
                    method = model.method(cls, method_name)
                    if method is not None:
                        self.mark(method, "module", f"{method_name} of flax module {cls.name}")
        self.propagate()

    def mark(self, function: Scope, kind: str, via: str) -> None:
        function.direct_kinds.add(kind)
        if kind not in function.transform_kinds:
            function.transform_kinds.add(kind)
            if not function.traced_via:
                function.traced_via = via

    def transform_of(
        self, expr: cst.BaseExpression, scope: Scope
    ) -> tuple[str, jf.Transform] | None:
        name = self.model.qualified_name(expr, scope)
        if name is None:
            return None
        transform = jf.TRANSFORMS.get(name)
        if transform is not None:
            return name, transform
        if name in self.model.traced_decorators:
            return name, jf.Transform("user")
        return None

    def decorator_transform(
        self, expr: cst.BaseExpression, scope: Scope
    ) -> tuple[str, jf.Transform, Sequence[cst.Arg]] | None:
        """@jax.jit, @jax.jit(static_argnames=...), @partial(jax.jit, static_argnums=...)."""
        found = self.transform_of(expr, scope)
        if found is not None:
            return found[0], found[1], ()
        if isinstance(expr, cst.Call):
            found = self.transform_of(expr.func, scope)
            if found is not None:
                return found[0], found[1], expr.args
            if self.model.qualified_name(expr.func, scope) == "functools.partial" and expr.args:
                found = self.transform_of(expr.args[0].value, scope)
                if found is not None:
                    return found[0], found[1], expr.args[1:]
        return None

    def from_decorators(self, node: cst.FunctionDef, scope: Scope) -> None:
        function = self.model.scope_of_node[id(node)]
        for decorator in node.decorators:
            expr = decorator.decorator
            found = self.decorator_transform(expr, scope)
            if found is not None:
                name, transform, options = found
                self.mark(function, transform.kind, f"decorated with @{name}")
                self.static_from_options(function, options, 0)
                if transform.kind == "kernel":
                    function.ref_params = True
            elif isinstance(expr, cst.Attribute) and expr.attr.value in jf.CUSTOM_RULE_METHODS:
                self.mark(
                    function, "custom_rule", f"registered with @{dotted(expr) or expr.attr.value}"
                )

    def from_call(self, call: cst.Call, scope: Scope) -> None:
        model = self.model
        name = model.qualified_name(call.func, scope)
        if name in jf.HOST_CALLBACKS and call.args:
            target = model.function_of(call.args[0].value, scope)
            if target is not None:
                target.host = True
            return
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in jf.CUSTOM_RULE_METHODS:
            for arg in call.args:
                target = model.function_of(arg.value, scope)
                if target is not None:
                    self.mark(target, "custom_rule", f"registered with .{call.func.attr.value}()")
            return
        found = self.decorator_transform(call.func, scope)
        if found is None:
            return
        name, transform, options = found
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if options and isinstance(call.func, cst.Call):
            # jax.jit(static_argnums=1)(f) / partial(jax.jit, ...)(f): f is the first argument.
            candidates = positional[:1]
        else:
            candidates = [positional[i] for i in transform.function_args if i < len(positional)]
            candidates += [
                arg
                for arg in call.args
                if arg.keyword is not None and arg.keyword.value in transform.function_keywords
            ]
            options = call.args
        for arg in candidates:
            values: Sequence[cst.BaseExpression] = [arg.value]
            if isinstance(arg.value, cst.List | cst.Tuple):  # lax.switch branches
                values = [element.value for element in arg.value.elements]
            for value in values:
                target = model.function_of(value, scope)
                if target is None:
                    continue
                self.mark(target, transform.kind, f"passed to {name}")
                bound = _partial_positional_count(value, model, scope)
                target.partial_bound |= _partial_bound_names(
                    _partial_call(value, model, scope), target, bound
                )
                self.static_from_options(target, options, bound)
                if transform.kind == "vmap" and len(positional) > 1 and options is call.args:
                    self.unmapped_from_axes(target, positional[1].value, bound)
                if transform.kind == "kernel":
                    target.ref_params = True

    def static_from_options(self, function: Scope, options: Sequence[cst.Arg], bound: int) -> None:
        positional = [p for p in function.params.values() if p.index >= 0]
        for arg in options:
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            if keyword in jf.STATIC_ARGNUMS:
                for number in _literal_ints(arg.value):
                    index = number + bound
                    if 0 <= index < len(positional):
                        function.static_params.add(positional[index].name)
            elif keyword in jf.STATIC_ARGNAMES:
                function.static_params.update(_literal_strings(arg.value))
            elif keyword == "in_axes":
                self.unmapped_from_axes(function, arg.value, bound)

    @staticmethod
    def unmapped_from_axes(function: Scope, axes: cst.BaseExpression, bound: int) -> None:
        """``vmap(f, in_axes=(0, None))``: a ``None`` axis passes the argument through
        unbatched, so it is whatever the caller gave (maybe a Python value)."""
        if not isinstance(axes, cst.Tuple | cst.List):
            return
        positional = [p for p in function.params.values() if p.index >= 0]
        for number, element in enumerate(axes.elements):
            index = number + bound
            value = element.value
            if isinstance(value, cst.Name) and value.value == "None" and index < len(positional):
                function.unmapped_params.add(positional[index].name)

    def propagate(self) -> None:
        """Callees of traced functions are traced; so is code nested in them."""
        model = self.model
        pending = [f for f in model.functions if f.traced]
        while pending:
            caller = pending.pop()
            reached: list[Scope] = []
            for site in caller.calls:
                call: cst.Call = site.node  # type: ignore[assignment]
                callee = model.function_of(call.func, caller)
                if callee is not None and callee is not caller:
                    if site not in callee.traced_callers:
                        callee.traced_callers.append(site)
                    reached.append(callee)
            for nested in model.functions:
                if nested.parent is caller:
                    reached.append(nested)
            for callee in reached:
                if callee.host or callee is caller:
                    continue
                new = caller.transform_kinds - callee.transform_kinds
                if new:
                    if not callee.traced_via:
                        callee.traced_via = f"called from traced {caller.qualname}"
                    callee.transform_kinds |= new
                    pending.append(callee)


def _partial_call(expr: cst.BaseExpression, model: SemanticModel, scope: Scope) -> cst.Call | None:
    """The ``functools.partial(f, ...)`` call that ``expr`` is, or names (``inner = partial(...)``)."""
    if isinstance(expr, cst.Name):
        found = model.lookup(expr.value, scope)
        if found is not None and len(found[1]) == 1 and found[1][0].kind == "assign":
            binding = found[1][0]
            expr = binding.value  # type: ignore[assignment]
            scope = binding.written_in or binding.scope
    if isinstance(expr, cst.Call) and model.qualified_name(expr.func, scope) == "functools.partial":
        return expr
    return None


def _partial_positional_count(expr: cst.BaseExpression, model: SemanticModel, scope: Scope) -> int:
    """How many leading positional arguments a ``partial(f, ...)`` binds."""
    call = _partial_call(expr, model, scope)
    if call is None:
        return 0
    return sum(1 for arg in call.args[1:] if arg.keyword is None and not arg.star)


def _partial_bound_names(expr: cst.Call | None, function: Scope, bound: int) -> set[str]:
    """Parameters that ``partial(f, a, k=v)`` fixes before a transformation sees ``f``."""
    if expr is None:
        return set()
    positional = [p.name for p in function.params.values() if p.index >= 0]
    names = set(positional[:bound])
    names.update(arg.keyword.value for arg in expr.args[1:] if arg.keyword is not None)
    return names & set(function.params)


def _literal_ints(expr: cst.BaseExpression) -> Iterator[int]:
    """Integers written literally: ``1``, ``(1, 2)``, ``[0]``, ``range(5, 10)``."""
    if isinstance(expr, cst.Integer):
        yield int(expr.value, 0)
    elif isinstance(expr, cst.Tuple | cst.List):
        for element in expr.elements:
            yield from _literal_ints(element.value)
    elif (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "range"
        and 1 <= len(expr.args) <= 3
        and all(isinstance(arg.value, cst.Integer) for arg in expr.args)
    ):
        yield from range(*(int(arg.value.value, 0) for arg in expr.args))  # type: ignore[attr-defined]


def _literal_strings(expr: cst.BaseExpression) -> Iterator[str]:
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        if isinstance(value, str):
            yield value
    elif isinstance(expr, cst.Tuple | cst.List):
        for element in expr.elements:
            yield from _literal_strings(element.value)


def build_model(
    module: cst.Module,
    traced_decorators: Iterable[str] = (),
    external_traced: Mapping[str, str] | None = None,
) -> SemanticModel:
    """Walk ``module`` once and derive the file-wide facts.

    ``external_traced`` maps qualified names of functions in this file to why code in
    other files traces them (see :mod:`jaxlint.project`).
    """
    model = SemanticModel(module, traced_decorators)
    _Builder(model).walk_all(module.body)
    _TracedResolver(model, external_traced or {}).run()
    return model
