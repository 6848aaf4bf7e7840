"""Array-ness: whether a value is a JAX array (answers must agree). What that rests on
(something that builds arrays, only annotations, or only the calls in this file) is
:mod:`jaxlint.model.lattices.proofs`; mutable refs are in
:mod:`jaxlint.model.lattices.refs`."""

from __future__ import annotations

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model.lattices.refs import kernel_argument
from jaxlint.model.lattices.values import (
    ARRAY_VALUE_BINDINGS,
    DEFINITIONS,
    NO,
    UNKNOWN,
    YES,
    Evaluator,
    agreeing,
)
from jaxlint.model.names import at_update
from jaxlint.model.records import Binding, BindingKind, Fact, Param, Scope
from jaxlint.model.view import ModelView
from jaxlint.syntax.calls import keyword_names, positional_count
from jaxlint.syntax.literals import literal_int


class ArrayFacts(Evaluator):
    """Is the value a JAX array? Array annotations are taken at their word."""

    lattice = "array"
    join = staticmethod(agreeing)  # type: ignore[assignment]

    def owner_fact(self, name: str, owner: Scope) -> Fact | None:
        if name in self.model.string_keyed(owner):
            return NO  # written with string keys somewhere: a dict
        return None

    def evaluate(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
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
            return NO
        if isinstance(expr, cst.Call):
            return self.of_call(expr, scope, ordinal)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.left, cst.List | cst.Tuple | cst.ListComp) or isinstance(
                expr.right, cst.List | cst.Tuple | cst.ListComp
            ):
                return NO  # sequence repetition or concatenation
            left = self.of(expr.left, scope, ordinal)
            right = self.of(expr.right, scope, ordinal)
            if left is YES or right is YES:
                return YES
            return NO if left is NO and right is NO else UNKNOWN
        if isinstance(expr, cst.UnaryOperation):
            if isinstance(expr.operator, cst.Not):
                return NO
            return self.of(expr.expression, scope, ordinal)
        if isinstance(expr, cst.Subscript):
            base = self.of(expr.value, scope, ordinal)
            if base is NO and all(isinstance(e.slice, cst.Slice) for e in expr.slice):
                return NO  # a slice of a list is a list
            if base is NO:
                return self.displayed_element(expr, scope)
            return YES if base is YES else UNKNOWN
        if isinstance(expr, cst.Attribute):
            if expr.attr.value in jf.ARRAY_ATTRIBUTES:
                return YES if self.of(expr.value, scope, ordinal) is YES else UNKNOWN
            return self.of_self_attribute(expr, scope, ordinal)
        return UNKNOWN

    def displayed_element(self, expr: cst.Subscript, scope: Scope) -> Fact:
        """``seq[0]`` where ``seq = [a, b]``: the element at a constant index of a display."""
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return UNKNOWN
        index = expr.slice[0].slice.value
        found = self.model.sequence_elements(expr.value, scope)
        position = literal_int(index)
        if position is None or found is None:
            return UNKNOWN
        elements, where = found
        if not -len(elements) <= position < len(elements):
            return UNKNOWN
        return self.of(elements[position], where.scope, where.ordinal)

    def of_call(self, call: cst.Call, scope: Scope, ordinal: int) -> Fact:
        if at_update(call) is not None:
            return YES  # x.at[i].set(v) and friends
        name = self.model.qualified_name(call.func, scope)
        if name is not None:
            if name in jf.REF_CALLS:
                return NO
            if name in jf.ARRAY_CALLS:
                return YES
            returned = jf.returned_by(name, positional_count(call), keyword_names(call))
            if returned is not None:
                return YES if returned is jf.Returns.ARRAY else UNKNOWN
            if (
                name.startswith("numpy.")
                and name.removeprefix("numpy.") in jf.NUMPY_DELEGATES_TO_METHOD
            ):
                return UNKNOWN  # np.sum(x) is x.sum(): a JAX array when x is one
            return NO if name.startswith(("numpy.", "builtins.")) else UNKNOWN
        returned = self.of_local_call(call, scope)
        if returned is not UNKNOWN:
            return returned
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in jf.ARRAY_METHODS:
                return YES if self.of(call.func.value, scope, ordinal) is YES else UNKNOWN
            if method in ("tolist", "item"):
                return NO
        return UNKNOWN

    def of_elements(self, iterable: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        """Whether every element that iterating ``iterable`` gives is a JAX array: YES for
        the rows of an array, the parts of a sequence a jax function gives back
        (``jnp.split``), a display of arrays, or a name every reaching binding of which
        binds a tuple display of arrays (nothing changes a tuple); else UNKNOWN."""
        if isinstance(iterable, cst.Tuple | cst.List):
            elements = iterable.elements
            if not elements or any(isinstance(e, cst.StarredElement) for e in elements):
                return UNKNOWN
            facts = [self.of(element.value, scope, ordinal) for element in elements]
            return YES if all(fact is YES for fact in facts) else UNKNOWN
        if isinstance(iterable, cst.Call):
            name = self.model.qualified_name(iterable.func, scope)
            if name is not None:
                shape = positional_count(iterable), keyword_names(iterable)
                if jf.returned_by(name, *shape) is jf.Returns.SEQUENCE:
                    return YES
        if isinstance(iterable, cst.Name):
            found = self.model.reaching(iterable.value, scope, ordinal)
            if (
                found is not None
                and found.bindings
                and all(
                    b.kind is BindingKind.ASSIGN and isinstance(b.value, cst.Tuple)
                    for b in found.bindings
                )
            ):
                facts = [
                    self.of_elements(b.value, b.code_scope, b.ordinal)  # type: ignore[arg-type]
                    for b in found.bindings
                ]
                return YES if all(fact is YES for fact in facts) else UNKNOWN
        return YES if self.of(iterable, scope, ordinal) is YES else UNKNOWN

    def binding_fact(self, binding: Binding) -> Fact:
        kind = binding.kind
        if kind is BindingKind.PARAM:
            return self.of_param(binding)
        if kind is BindingKind.ANNASSIGN and isinstance(binding.node, cst.Name):
            annotation = self.model.annotations.get(id(binding.node))
            if annotation is not None:
                fact = self.of_annotation(annotation, binding.code_scope)
                if fact is not UNKNOWN:
                    return fact
        if kind in ARRAY_VALUE_BINDINGS and binding.value is not None:
            return self.of(binding.value, binding.code_scope, binding.ordinal)
        if kind is BindingKind.UNPACK and binding.value is not None:
            if binding.position is not None:
                part = self.of_returned_part(binding.value, binding.code_scope, binding.position)
                if part is not None and part is not UNKNOWN:
                    return part
            return self.of_part(binding.value, binding.code_scope, binding.ordinal)
        if kind is BindingKind.AUGASSIGN and binding.value is not None:
            # x += v keeps x's kind: look at what x was before.
            return self.of_name(binding.name, binding.scope, binding.ordinal)
        if kind in DEFINITIONS:
            return NO
        return UNKNOWN

    def of_param(self, binding: Binding) -> Fact:
        function = binding.scope
        param = function.params.get(binding.name)
        if param is None:
            return UNKNOWN
        if param.starred:
            return NO  # *args is a tuple, **kwargs a dict
        info = self.model.trace(function)
        if info.ref_params:
            return NO  # Pallas kernels receive mutable refs
        if param.name.endswith("_ref"):
            return UNKNOWN  # named as a ref: no claim either way by a name
        annotation = param.annotation
        if annotation is not None:
            fact = self.of_annotation(annotation, function.parent or self.model.module_scope)
            if fact is not UNKNOWN:
                return fact
        if function.self_param() is param:
            return NO  # self / cls
        if self.used_as_mapping(function, param.name):
            return NO
        if self.parts_mapped_as_trees(function, param.name):
            return UNKNOWN  # a container of pytrees, or an array: the uses disagree
        if param.name in info.static_params:
            return NO
        if param.name in info.partial_bound:
            return UNKNOWN  # a concrete value bound before tracing: array or not, unknown
        if info.traces_only_array_leaves() and not array_evidence(
            self.model, function, param, type(self)
        ):
            return UNKNOWN  # eqx.filter_jit keeps what is not an array static, as given
        if info.arguments_are_arrays():
            if info.unmapped(param.name):
                return UNKNOWN  # vmap(in_axes=None) hands the caller's value over as is
            # Handed to a transformation: each argument is a pytree of tracers, which may
            # be a list or a dict of arrays (`f([a, b])`): an array only with evidence.
            default = param.default
            if isinstance(default, cst.BaseNumber | cst.BaseString):
                return NO
            by_use = not graph_nodes_imported(self.model)  # an NNX Variable acts as an array
            if default is not None or not array_evidence(
                self.model, function, param, type(self), by_use=by_use
            ):
                return UNKNOWN
            return self.entered_as_given(function, param, YES)
        # Traced because traced code calls it: its parameters hold what callers pass
        # (a list of arrays is a list).
        passed = self.from_callers(function, param)
        if passed is None and not info.traced:
            # A host function: what every call of it in this file passes (never a proof
            # for a safe fix, see ConstructedArrayFacts).
            passed = self.from_calls_in_sight(function, param)
            return UNKNOWN if passed is None else passed
        return UNKNOWN if passed is None else self.entered_as_given(function, param, passed)

    def entered_as_given(self, function: Scope, param: Param, through: Fact) -> Fact:
        """What ``param`` holds on every path in this file, where ``through`` is what it
        holds where a transformation or a traced caller enters ``function``: unless a
        decorator wraps it in a transformation that every call of its name goes through,
        the function is also called as is (``f(np.zeros(3))`` beside ``jax.jit(f)``, a
        helper of traced code called eagerly), with what those calls pass."""
        if through is not YES or self.model.trace(function).wrapped_where_defined:
            return through
        calls = self.model.calls_reaching(function)
        return self.path_join([through, *(self.passed(site, param) for site in calls)])

    def of_local_call(self, call: cst.Call, scope: Scope) -> Fact:
        """A call of a function defined in this file, in host code too: what it returns,
        joined over its returns (``return -jnp.log(...)`` is an array whoever calls it;
        a parameter returned holds what every call in sight passes)."""
        function = scope.enclosing_function()
        if function is not None and self.model.trace(function).traced:
            return super().of_local_call(call, scope)
        callee = self.model.function_of(call.func, scope)
        return UNKNOWN if callee is None else self.of_returns(callee)

    def from_calls_in_sight(self, function: Scope, param: Param) -> Fact | None:
        """For a function no transformation traces: what every call of it in this file
        passes for ``param`` (its default where a call leaves it out), where its name is
        used only to call it; None where no call is in sight. A caller in another file
        may pass something else: an answer that :class:`ConstructedArrayFacts` does not
        give (no fix is safe on it)."""
        sites = self.model.calls_in_sight(function)
        if not sites:
            return None
        facts = []
        for site in sites:
            if any(arg.star for arg in site.call.args):
                return UNKNOWN
            passed = site.argument(param)
            if passed is None and param.default is None:
                return UNKNOWN
            if passed is None or passed is param.default:
                where = function.parent or self.model.module_scope
                facts.append(self.of(param.default, where, 0))  # type: ignore[arg-type]
            else:
                facts.append(self.of(passed, site.scope, site.ordinal))
        return self.path_join(facts)

    @staticmethod
    def used_as_mapping(function: Scope, name: str) -> bool:
        """The function calls ``name.keys()``, ``.items()``, ``.get(...)``, ...: a dict or
        a NamedTuple of leaves (a pytree), which no JAX array is."""
        return any(
            isinstance(func := site.call.func, cst.Attribute)
            and func.attr.value in jf.MAPPING_METHODS
            and isinstance(func.value, cst.Name)
            and func.value.value == name
            for site in function.calls
        )

    @staticmethod
    def parts_mapped_as_trees(function: Scope, name: str) -> bool:
        """The function maps over parts of ``name`` as pytrees (``jax.tree.map(f,
        name[0])``, ``name[1:]``): what it holds are trees, as in a list of per-layer
        caches; that an array's rows would be mapped over so is no evidence either way."""
        for site in function.calls:
            if site.qualified_name not in jf.TREE_MAP_CALLS:
                continue
            for arg in site.call.args[1:]:
                value = arg.value
                if (
                    isinstance(value, cst.Subscript)
                    and isinstance(value.value, cst.Name)
                    and value.value.value == name
                ):
                    return True
        return False

    def of_part(self, whole: cst.BaseExpression, scope: Scope, ordinal: int) -> Fact:
        """A name unpacked from ``whole``: an array if ``whole`` is a sequence of arrays
        (``jnp.split``, ``jnp.linalg.svd``, ...) or a JAX operation's array (its rows).
        Not from a traced parameter: that may be a pytree (a tuple carry) of anything."""
        if not isinstance(whole, cst.Call):
            return UNKNOWN
        name = self.model.qualified_name(whole.func, scope)
        if name is not None:
            returned = jf.returned_by(name, positional_count(whole), keyword_names(whole))
            if returned is jf.Returns.SEQUENCE:
                return YES
        return YES if self.of(whole, scope, ordinal) is YES else UNKNOWN

    def of_annotation(self, annotation: cst.BaseExpression, scope: Scope) -> Fact:
        model = self.model
        if isinstance(annotation, cst.Subscript):
            name = model.qualified_name(annotation.value, scope)
            if name and name.startswith(jf.JAXTYPING_MODULE + ".") and annotation.slice:
                first = annotation.slice[0].slice
                if isinstance(first, cst.Index):
                    return self.of_annotation(first.value, scope)
            if name in ("typing.Optional", "typing.Union"):
                return UNKNOWN
            return NO if name in jf.NON_ARRAY_ANNOTATIONS else UNKNOWN
        if isinstance(annotation, cst.BaseString):
            return UNKNOWN
        name = model.qualified_name(annotation, scope)
        if name in jf.ARRAY_ANNOTATIONS:
            return YES
        return NO if name in jf.NON_ARRAY_ANNOTATIONS else UNKNOWN

    def of_self_attribute(self, expr: cst.Attribute, scope: Scope, ordinal: int) -> Fact:
        """``self.w``: what the class's methods store in ``w``, or how it is annotated; and
        ``stats.mean`` of a parameter annotated with a class of this file (an equinox
        module, a dataclass), or given an instance of one by every call in sight: how that
        class declares the field, unless the parameter is a kernel's pytree of refs
        (``meta.offsets`` of a ``meta_ref: Meta``: a ref)."""
        cls = self.model.self_attribute_class(expr, scope)
        attr = expr.attr.value
        if cls is None:
            cls = self.model.annotated_class(expr, scope) or self.passed_class(
                expr.value, scope, ordinal
            )
            annotation = cls.class_annotations.get(attr) if cls is not None else None
            if cls is None or annotation is None:
                return UNKNOWN
            if (
                isinstance(expr.value, cst.Name)
                and kernel_argument(self.model, expr.value, scope, ordinal, 0) is not NO
            ):
                return UNKNOWN  # a kernel's pytree of refs, or one named so
            return self.of_annotation(annotation, cls)
        annotation = cls.class_annotations.get(attr)
        if annotation is not None:
            fact = self.of_annotation(annotation, cls)
            if fact is not UNKNOWN:
                return fact
        stores = cls.instance_attrs.get(attr)
        if not stores:
            return UNKNOWN
        # Memoized on the list of stores, one per class and attribute: methods that
        # rebind `self.perms = self.perms[...]` would otherwise re-ask each other.
        return self.memoized(
            id(stores), lambda: agreeing(self.of(value, where, at) for value, where, at in stores)
        )

    def passed_class(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Scope | None:
        """For a parameter that holds, at ``ordinal``, the value it was called with, the
        class of this file that every call in sight (one at least) passes an instance of:
        ``run(State(...))``, or ``s = State(...)`` then ``run(s)``."""
        model = self.model
        function = scope.enclosing_function()
        if not isinstance(expr, cst.Name) or function is None:
            return None
        param = function.params.get(expr.value)
        found = model.reaching(expr.value, scope, ordinal)
        if param is None or param.starred or found is None or found.owner is not function:
            return None
        if any(binding.kind is not BindingKind.PARAM for binding in found.bindings):
            return None  # rebound on some path: no longer what the callers passed
        classes: list[Scope] = []
        for site in model.calls_in_sight(function) or ():
            passed = site.argument(param)
            if passed is None or passed is param.default:
                return None
            if isinstance(passed, cst.Call):
                cls = model.class_named(passed.func, site.scope)
            else:
                cls = model.instance_class(passed, site.scope)
            if cls is None or (classes and cls is not classes[0]):
                return None
            classes.append(cls)
        return classes[0] if classes else None


def graph_nodes_imported(model: ModelView) -> bool:
    """The file imports a module whose pytree nodes act as arrays (flax NNX: see
    ``GRAPH_NODE_MODULES``), which a transformation hands through as themselves."""
    cache = model.fact_cache("graph-nodes")
    known = cache.get(0)
    if known is None:
        known = NO
        for scope in model.scopes:
            for bindings in scope.bindings.values():
                for binding in bindings:
                    if binding.kind is BindingKind.IMPORT and any(
                        (jf.canonical(binding.imported) + ".").startswith(module + ".")
                        for module in jf.GRAPH_NODE_MODULES
                    ):
                        known = YES
        cache[0] = known
    return known is YES


def array_evidence(
    model: ModelView,
    function: Scope,
    param: Param,
    facts: type[ArrayFacts] = ArrayFacts,
    *,
    by_use: bool = True,
) -> bool:
    """Positive evidence that ``param`` of ``function`` holds a JAX array, for the
    transformations that trace array leaves only and keep everything else static
    (equinox's ``filter_jit``, ...): an array annotation, array operations on it in the
    function (``jnp.*`` of it, an array method, ``.at[]``, reading its ``.shape`` or
    ``.size``, which no list, tuple or dict has), or an array at every call of the
    function in this file. Without it the parameter may be a static Python value.
    ``facts`` says what counts as an array (for :class:`ConstructedArrayFacts`, not an
    annotation); without ``by_use``, operations on it do not count (a flax NNX Variable
    takes them all)."""
    cache = model.fact_cache(f"array-evidence-{facts.lattice}-{by_use}")
    key = id(param)
    known = cache.get(key)
    if known is not None:
        return known is YES
    cache[key] = NO  # a cycle through the callers finds no evidence
    found = (
        _annotated_array(model, function, param, facts)
        or (by_use and _used_as_array(model, function, param))
        or (by_use and _reads_array_attribute(function, param))
        or _passed_arrays(model, function, param, facts)
    )
    cache[key] = YES if found else NO
    return found


def _annotated_array(
    model: ModelView, function: Scope, param: Param, facts: type[ArrayFacts]
) -> bool:
    annotation = param.annotation
    if annotation is None:
        return False
    outer = function.parent or model.module_scope
    if model.qualified_name(annotation, outer) in jf.SCALAR_ADMITTING_ANNOTATIONS:
        return False  # ArrayLike admits Python scalars, which stay static
    return facts(model).of_annotation(annotation, outer) is YES


def _used_as_array(model: ModelView, function: Scope, param: Param) -> bool:
    seen: set[int] = set()  # bindings already followed (a loop rebinds from itself)

    def follows(expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool:
        """``expr`` is the parameter, or the parameter with Python numbers added,
        multiplied, negated (``x = x * 0.5``): what that gives has array methods only
        if the parameter was an array."""
        if isinstance(expr, cst.UnaryOperation):
            expr = expr.expression
        elif isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.right, cst.BaseNumber):
                expr = expr.left
            elif isinstance(expr.left, cst.BaseNumber):
                expr = expr.right
        if not isinstance(expr, cst.Name) or expr.value != param.name:
            return False
        found = model.reaching(param.name, scope, ordinal)
        if found is None or found.owner is not function:
            return False
        for binding in found.bindings:
            if binding.kind is BindingKind.PARAM or id(binding) in seen:
                continue
            seen.add(id(binding))
            if binding.kind is BindingKind.AUGASSIGN and isinstance(binding.value, cst.BaseNumber):
                continue  # x += 1
            if binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return False
            if not follows(binding.value, binding.code_scope, binding.ordinal):
                return False
        return True

    def is_param(expr: cst.BaseExpression, scope: Scope, ordinal: int) -> bool:
        seen.clear()
        return follows(expr, scope, ordinal)

    for site in function.calls:
        name = site.qualified_name
        if name is not None:
            call = site.call
            if name in jf.ARRAY_CALLS:
                continue  # jnp.asarray(flag) converts a Python value: no evidence
            if jf.returned_by(name, positional_count(call), keyword_names(call)) is None:
                continue  # not one of jax's probed array functions
            if any(is_param(arg.value, site.scope, site.ordinal) for arg in site.call.args):
                return True
            continue
        func = site.call.func
        if not isinstance(func, cst.Attribute):
            continue
        receiver = func.value
        if isinstance(receiver, cst.Subscript) and isinstance(receiver.value, cst.Attribute):
            if receiver.value.attr.value == jf.AT_PROPERTY:
                receiver = receiver.value.value  # x.at[i].set(v)
        elif func.attr.value not in jf.TRACED_METHODS:
            continue
        if is_param(receiver, site.scope, site.ordinal):
            return True
    return False


#: Attributes an array has and no Python container or number has (``int.real`` exists).
_ARRAY_ONLY_ATTRIBUTES = (jf.STATIC_ATTRIBUTES | jf.ARRAY_ATTRIBUTES) - {"real", "imag"}


class _AttributeReads(cst.CSTVisitor):
    """The attributes read of one name in a function's own body (nested functions,
    lambdas and classes may rebind the name: not entered)."""

    def __init__(self, name: str, root: cst.CSTNode) -> None:
        self.name = name
        self.root = root
        self.attributes: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == self.name:
            self.attributes.add(node.attr.value)

    def enters(self, node: cst.CSTNode) -> bool:
        return node is self.root  # the function itself, not one nested in it

    visit_FunctionDef = visit_Lambda = visit_ClassDef = enters  # type: ignore[assignment]


def _reads_array_attribute(function: Scope, param: Param) -> bool:
    """``for i in range(a.size)``: the never rebound parameter has an attribute only an
    array has, so it is one leaf, not a list or a dict of them."""
    if any(b.kind is not BindingKind.PARAM for b in function.bindings.get(param.name, ())):
        return False
    reads = _AttributeReads(param.name, function.node)
    function.node.visit(reads)
    return not reads.attributes.isdisjoint(_ARRAY_ONLY_ATTRIBUTES)


def _passed_arrays(
    model: ModelView, function: Scope, param: Param, evaluator: type[ArrayFacts]
) -> bool:
    facts = evaluator(model)
    seen = False
    for site in model.calls:
        if site.callee is not function:
            continue
        passed = site.argument(param)
        if passed is None or facts.of(passed, site.scope, site.ordinal) is not YES:
            return False
        seen = True
    return seen
