"""JL001 inplace-update: ``x[i] = v`` on a JAX array."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Fix, Replace
from jaxlint.fix.findings import Diagnostic
from jaxlint.fix.suggestions import Applicability
from jaxlint.model import (
    ArrayProof,
    BindingKind,
    Fact,
    ScopeKind,
    SemanticModel,
    StoreSite,
    array_only_index,
    dotted,
    string_key,
)
from jaxlint.model.analyze.questions import rebind_doubt, rebind_obstacle
from jaxlint.rules.base import Rule, reported, source_text
from jaxlint.rules.jl001_examples import INVALID, VALID
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.calls import keyword_names, positional_count

#: Augmented assignment operators and the ``.at[]`` method with the same effect.
AUGMENTED_METHODS: dict[type[cst.BaseAugOp], str] = {
    cst.AddAssign: "add",
    cst.SubtractAssign: "subtract",
    cst.MultiplyAssign: "multiply",
    cst.DivideAssign: "divide",
    cst.PowerAssign: "power",
}


def _whole_write(target: cst.Subscript) -> bool:
    """``x[...] = v``: writing a whole buffer, as done to refs."""
    return (
        len(target.slice) == 1
        and isinstance(target.slice[0].slice, cst.Index)
        and isinstance(target.slice[0].slice.value, cst.Ellipsis)
    )


def _at_target(target: cst.Subscript) -> bool:
    """``x.at[i] = v``: assigning to the ``.at`` helper itself."""
    return isinstance(target.value, cst.Attribute) and target.value.attr.value == "at"


def _levels(target: cst.Subscript) -> tuple[cst.BaseExpression, list[cst.Subscript]]:
    """``x[i][j]`` -> (x, [x[i], x[i][j]]), innermost first."""
    levels = [target]
    base = target.value
    while isinstance(base, cst.Subscript):
        levels.insert(0, base)
        base = base.value
    return base, levels


def _is_int_index(element: cst.SubscriptElement, model: SemanticModel, site: StoreSite) -> bool:
    """A single integer index, so ``x[k][j]`` and ``x[k, j]`` select the same element."""
    index = element.slice
    if not isinstance(index, cst.Index) or index.star is not None:
        return False
    value = index.value
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    if isinstance(value, cst.Integer):
        return True
    if isinstance(value, cst.Name):
        found = model.lookup(value.value, site.scope)
        if found is None:
            return False
        bindings = found.bindings
        # ``for k in range(n)`` makes k a Python int.
        return all(
            b.kind is BindingKind.FOR
            and isinstance(b.value, cst.Call)
            and model.called_name(b.value) == "builtins.range"
            for b in bindings
        )
    return False


def _may_have_effects(node: cst.CSTNode, model: SemanticModel, site: StoreSite) -> bool:
    """Whether evaluating ``node`` could run code with side effects (a call we don't know)."""
    if isinstance(node, cst.Call):
        name = model.called_name(node) or ""
        if not jf.is_pure_call(name, positional_count(node), keyword_names(node)):
            return True
    if isinstance(node, cst.Await | cst.Yield | cst.NamedExpr | cst.Lambda):
        return True
    return any(
        _may_have_effects(child, model, site)
        for child in node.children
        if isinstance(child, cst.BaseExpression | cst.SubscriptElement | cst.BaseSlice | cst.Arg)
    )


def _stable(node: cst.CSTNode, model: SemanticModel, site: StoreSite) -> bool:
    """Whether no call can change what evaluating ``node`` gives: literals, and names
    local to the code that runs the statement that no nested function rebinds
    (``nonlocal``) nor, at module level, any function (``global``). ``self.w`` or a
    global may be rebound by the call that computes the assigned value."""
    if isinstance(node, cst.Name):
        name, scope = node.value, site.scope
        if any(name in other.nonlocals or name in other.globals for other in model.scopes):
            return False
        if scope.is_function:
            return model.is_local(name, scope)
        return scope.kind is ScopeKind.MODULE
    if isinstance(node, cst.BaseNumber | cst.BaseString | cst.Ellipsis):
        return True
    if isinstance(node, cst.UnaryOperation | cst.BinaryOperation | cst.Tuple):
        parts = [c for c in node.children if isinstance(c, cst.BaseExpression | cst.Element)]
        return all(_stable(part, model, site) for part in parts)
    if isinstance(node, cst.Element):
        return _stable(node.value, model, site)
    if isinstance(node, cst.SubscriptElement):
        return _stable(node.slice, model, site)
    if isinstance(node, cst.Index):
        return node.star is None and _stable(node.value, model, site)
    if isinstance(node, cst.Slice):
        bounds = (node.lower, node.upper, node.step)
        return all(bound is None or _stable(bound, model, site) for bound in bounds)
    return False


def _advice(label: str, fix: Fix | None, detail: str) -> str:
    """What to write instead: the fix's rewrite, or the pattern and why there is no fix
    (``detail`` is the rewrite when there is a fix, else the reason there is none)."""
    if fix is not None:
        return f"; use `{detail}`"
    return f"; use `{label} = {label}.at[...].set(...)` (no automatic fix: {detail})"


class InplaceUpdate(Rule):
    code = "JL001"
    name = "inplace-update"
    summary = "In-place item assignment on a JAX array"
    fix = "sometimes"
    triggers = frozenset({Trigger.ARRAY_ITEM_STORE})
    what_it_does = """
        Checks for item assignment (`x[i] = v`) and augmented item assignment (`x[i] += v`,
        `-=`, `*=`, `/=`, `**=`, ...) on values that are JAX arrays: results of `jnp.*`,
        `jax.random.*`, `lax.*`, `.at[...]` updates, arithmetic on arrays, parameters annotated
        `jax.Array` or jaxtyping types, fields a class declares with those types
        (`stats.mean` of a parameter `stats: RunningMean`), and parameters of traced
        functions with evidence of one array (array operations on it, `.shape`, an array
        at every call in the file): a traced argument is a pytree of tracers, and
        `f([a, b])` hands a jitted `f` a list, which takes `xs[0] = v`. Only where every
        way in makes it one: a function handed to `jax.jit(f)` (not decorated) or called
        from traced code is also callable as is, and a call in the file that passes a
        NumPy array (`f(np.zeros(3))`) leaves it unflagged, as does an argument that
        `vmap(in_axes=None)` hands over as given. In a file that imports `flax.nnx`, use
        proves nothing: an NNX Variable has `.shape` and `.at`, takes `jnp` operations
        and item assignment, and `jit` hands it through as itself. Parameters of host
        functions that every call in the file gives a JAX array (by position or keyword)
        count too. What rests only on annotations or on the calls in this file is reported
        too, with an unsafe fix (see Fix safety). Inside a traced function, `state["vel"][:, 0] = v` on a (string-keyed)
        part of a traced parameter is flagged too: that part is a pytree leaf, a traced
        array, and only an array takes a multi-dimensional index like `[:, 0]`.

        Dicts (`params["w"] = ...`), lists, NumPy arrays, `jax.new_ref` refs, Pallas refs (a
        kernel's parameters, the fields of a pytree of refs it receives, however the class
        annotates them, and what it passes on to helpers) and flax NNX variables are mutable
        and are not flagged (a ref is one by evidence: a `*_ref` name alone says nothing
        either way, so `acc_ref = jnp.zeros(3)` is an array, and `acc_ref: jax.Array` is
        not flagged); nor is a parameter whose parts
        the function maps over as pytrees (`jax.tree.map(f, memory[0])`: a list of caches).
        """
    why_bad = """
        JAX arrays are immutable: `x[0] = 999` raises `TypeError: JAX arrays are immutable`
        (or `'<class 'jaxlib...ArrayImpl'>' object does not support item assignment`). The
        functional spelling `x = x.at[0].set(999)` returns an updated copy, which XLA turns
        into an in-place update under `jit` when it can.
        """
    example = """
        import jax.numpy as jnp

        def scatter(x, idx, v):
            x = jnp.asarray(x)
            x[idx] = v
            x[0] += 1.0
            return x
        """
    use_instead = """
        import jax.numpy as jnp

        def scatter(x, idx, v):
            x = jnp.asarray(x)
            x = x.at[idx].set(v)
            x = x.at[0].add(1.0)
            return x
        """
    fix_safety = """
        The fix is safe where the value is a JAX array by how it was made, on every path
        (a `jnp`/`lax`/`jax.random` call, arithmetic on such arrays, an `.at[]` update, a
        traced argument of `jit`, `scan`, ... that array operations in the function or an
        array at every call show to be one array, not a list of them): the original statement cannot run on a JAX
        array, and the rewrite does what it meant. `x[i] += v` becomes `x.at[i].add(v)`, `-=` `.subtract`, `*=` `.multiply`,
        `/=` `.divide`, `**=` `.power`; `x[i] = jnp.minimum(x[i], v)` becomes `.min(v)` (and
        `maximum`, `.max`); `x[i][j] = v` becomes `x.at[i, j].set(v)` when `i` is an integer.

        The finding also stands on annotations (a parameter, a variable or a class field
        annotated `jax.Array`, `jnp.ndarray` or a jaxtyping type, a traced parameter
        included: `f([a, b])` would pass a list whatever the annotation), but annotations are not
        checked at run time: a NumPy array or a Pallas ref annotated so takes `x[i] = v` as
        written, and the rewrite would change working code. There the fix is unsafe, applied
        only with `--unsafe-fixes`, and its title says why ("only by its annotation"). So
        is it where only the calls in this file make a host function's parameter an array
        ("only by what the calls in this file pass"): callers elsewhere may pass NumPy. So
        it is where the array rests on what this file hands a function of the module or a
        method (`jax.jit(f)` of a module-level `f`, a helper of traced code): another
        module may call it as is with a NumPy array ("only where this file's code calls
        its function"); a decorated function, or a nested one only called or handed to a
        transformation, has no such entry. And it is where the assigned value calls code
        that could change what the target reads (`self.w[self.i] = self.advance()`):
        `x[i] = v` computes `v` first, the rewrite reads `x` and `i` before it; a target
        and an index made of literals and local names keep the fix safe. So it is in the
        body of a `try`, or of a block that expects an error (`pytest.raises`, ...): the
        code may run to show that the assignment raises. It is
        unsafe too where the rewrite assigns an attribute of an object whose class this file
        does not define (`stats.mean = ...`), or of a class derived from a class of another
        file: that class may refuse the assignment.

        Note that with repeated indices `x.at[idx].add(v)` applies *every* duplicate, where
        NumPy's `x[idx] += v` applies each index once.

        No fix is offered (the finding says why) where a rewrite could change meaning: tuple or
        chained targets (`x[0], x[1] = a, b`), an index whose evaluation may have side effects
        (the rewrite evaluates it in a different order), a name that is not local (assigning it
        would make it local), a loop variable or `with ... as` target (rebinding it would not
        update the source), a field of a frozen class (flax, equinox modules, frozen
        dataclasses; `self.w` in its methods, or `stats.mean` of a parameter annotated so), `x[i][j]` where
        `i` may not be an integer, and operators without an `.at[]` method (`//=`, `%=`, ...).
        """
    valid = VALID
    invalid = INVALID

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from reported(self.check_site(model, site) for site in model.subscript_stores)

    def check_site(self, model: SemanticModel, site: StoreSite) -> Diagnostic | None:
        target: cst.Subscript = site.target  # type: ignore[assignment]
        if _at_target(target):
            return self.check_at_assignment(model, site, target)
        base, levels = _levels(target)
        keyed = [i for i, level in enumerate(levels) if string_key(level)]
        if keyed:
            # `state["vel"][:, 0] = v`: the keyed part is a leaf of a traced pytree, and
            # only an array takes a multi-dimensional index.
            split = keyed[-1] + 1
            if split == len(levels) or not array_only_index(levels[split]):
                return None
            if model.traced_tree_part(levels[split - 1], site) is not Fact.YES:
                return None
            base, levels = levels[split - 1], levels[split:]
            proof = ArrayProof.CONSTRUCTED  # a leaf of a traced pytree: a tracer
        else:
            ref = model.ref_fact(base, site)
            if ref is Fact.YES:
                return None  # a ref is written in place by design
            proof = model.array_proof(base, site)
            if proof.fact is not Fact.YES:
                return None
            if ref is Fact.UNKNOWN and proof is not ArrayProof.CONSTRUCTED:
                return None  # `o_ref: jax.Array`: a name says ref, an annotation array
        if _whole_write(target) and self.only_unannotated_params(model, base, site):
            return None  # `ref[...] = v` on a parameter is the Pallas/state-ref idiom
        label = dotted(base) or source_text(base)
        fix, detail = self.build_fix(model, site, base, levels, proof)
        message = f"In-place update of JAX array `{label}`: JAX arrays are immutable"
        return Diagnostic(self.code, target, message + _advice(label, fix, detail), fix)

    def check_at_assignment(
        self, model: SemanticModel, site: StoreSite, target: cst.Subscript
    ) -> Diagnostic | None:
        """``x.at[i] = v``: `.at` is a helper to call a method on, not a view to assign to
        (`TypeError: '_IndexUpdateHelper' object does not support item assignment`)."""
        base = target.value.value  # type: ignore[attr-defined]
        proof = model.array_proof(base, site)
        if proof.fact is not Fact.YES:
            return None  # pandas' `df.at[row, col] = v` is an assignment by design
        label = dotted(base) or source_text(base)
        fix, detail = self.build_fix(model, site, base, [target], proof)
        message = f"`{label}.at[...]` cannot be assigned to: it returns updated copies"
        return Diagnostic(self.code, target, message + _advice(label, fix, detail), fix)

    @staticmethod
    def only_unannotated_params(
        model: SemanticModel, base: cst.BaseExpression, site: StoreSite
    ) -> bool:
        if not isinstance(base, cst.Name):
            return False
        found = model.lookup(base.value, site.scope)
        return found is not None and all(
            b.kind is BindingKind.PARAM and b.node.annotation is None  # type: ignore[attr-defined]
            for b in found.bindings
        )

    def build_fix(
        self,
        model: SemanticModel,
        site: StoreSite,
        base: cst.BaseExpression,
        levels: list[cst.Subscript],
        proof: ArrayProof,
    ) -> tuple[Fix | None, str]:
        """The fix and the code it writes, or no fix and the reason there is none. Safe
        only where ``base`` is a JAX array by how it was made and assigning it surely
        works; unsafe, saying why, where an annotation alone calls it an array (a ref or
        a NumPy array annotated ``jax.Array`` takes the item assignment as written)."""
        statement = site.statement
        target = site.target
        if isinstance(statement, cst.Assign):
            if len(statement.targets) != 1 or statement.targets[0].target is not target:
                return None, "a tuple or chained assignment target"
            method, value = "set", statement.value
            elementwise = self.elementwise(model, site, statement.value)
            if elementwise is not None:
                method, value = elementwise
        elif isinstance(statement, cst.AugAssign):
            method = AUGMENTED_METHODS.get(type(statement.operator), "")
            if not method:
                operator = source_text(statement.operator).strip()
                return None, f"`{operator}` has no `.at[]` equivalent"
            value = statement.value
        else:
            return None, "an annotated assignment"
        obstacle = rebind_obstacle(model, base, site)
        if obstacle is not None:
            return None, obstacle
        for level in levels[:-1]:
            if len(level.slice) != 1 or not _is_int_index(level.slice[0], model, site):
                return None, "`x[i][j]` is `x[i, j]` only when `i` is an integer index"
        if any(_may_have_effects(e, model, site) for level in levels for e in level.slice):
            return None, "evaluating the index may have side effects, and the order would change"
        elements: list[cst.SubscriptElement] = []
        for level in levels:
            for element in level.slice:
                elements.append(element.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        at = cst.Subscript(cst.Attribute(base.deep_clone(), cst.Name("at")), slice=elements)
        call = cst.Call(cst.Attribute(at, cst.Name(method)), args=[cst.Arg(value)])
        replacement = cst.Assign(
            targets=[cst.AssignTarget(base.deep_clone())],
            value=call,
            semicolon=statement.semicolon,
        )
        rewrite = source_text(replacement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT))
        label = dotted(base) or source_text(base)
        reordered = isinstance(statement, cst.Assign) and _may_have_effects(
            statement.value, model, site
        )
        if model.checks_for_errors(site):
            # `try: x[0] = 10 / except TypeError:`: a lesson or a test shows the error.
            doubt: str | None = "the code runs to see it raise"
        elif reordered and not all(
            _stable(node, model, site) for level in levels for node in (base, *level.slice)
        ):
            # `x[i] = v` computes v first, the rewrite reads `x` and `i` before v.
            doubt = "computing the value may change what the target reads first"
        elif proof is ArrayProof.ANNOTATED:
            doubt = f"`{label}` is a JAX array only by its annotation"
            if self.only_unannotated_params(model, base, site):
                doubt = f"`{label}` is a JAX array only by what the calls in this file pass"
        elif proof is ArrayProof.EXPOSED:
            doubt = f"`{label}` is a JAX array only where this file's code calls its function"
        else:
            doubt = rebind_doubt(model, base, site)
        edits = (Replace(statement, replacement),)
        if doubt is not None:
            title = f"Replace with `{rewrite}` (unsafe: {doubt})"
            return Fix(title, edits, Applicability.UNSAFE), rewrite
        return Fix(f"Replace with `{rewrite}`", edits), rewrite

    def elementwise(
        self, model: SemanticModel, site: StoreSite, value: cst.BaseExpression
    ) -> tuple[str, cst.BaseExpression] | None:
        """``x[i] = jnp.maximum(x[i], v)`` -> ("max", v)."""
        if not isinstance(value, cst.Call) or len(value.args) != 2:
            return None
        method = jf.ELEMENTWISE_AT_METHODS.get(model.called_name(value) or "")
        if method is None or any(arg.keyword or arg.star for arg in value.args):
            return None
        first, second = value.args[0].value, value.args[1].value
        if first.deep_equals(site.target):
            return method, second
        if second.deep_equals(site.target):
            return method, first
        return None
