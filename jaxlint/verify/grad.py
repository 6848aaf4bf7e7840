"""The `grad` check: reverse mode against finite differences along a random direction.

The function is seen as a scalar function of its floating-point argument leaves (its
outputs projected on fixed random weights). Reverse mode's derivative along a random
direction must match the central difference quotient there.

Two things make a mismatch no proof of a wrong gradient:

- Tests often call a function exactly where its derivative is not defined: `relu` at 0.0,
  linear interpolation at integer coordinates, a norm at the origin whose custom rule
  picks a gradient. Finite differences straddle the kink there and disagree with any
  reverse-mode answer. So a failure at the recorded input of a function that has kinks
  (or a custom derivative rule) is judged again at nearby points where it is smooth.
- Finite differences carry an error of their own: rounding (a few units in the last
  place of the values, divided by the step) and truncation (the curvature times the
  step). In float32 that error can reach a percent of a large gradient. So a float32
  mismatch is judged again in float64 where the function computes in float64 under x64;
  where it cannot, a mismatch within the error bound is a `skip` ("cannot judge"), and
  only a mismatch beyond it fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxlint.verify.probe import CheckReport, describe_exception, shorten
from jaxlint.verify.result import FAIL, PASS, SKIP

#: Primitives whose derivative jumps somewhere (or is chosen by a rule rather than derived),
#: so that finite differences at one point may straddle a kink.
KINK_PRIMITIVES = frozenset(
    {
        "abs", "sign", "max", "min", "clamp", "floor", "ceil", "round", "rem", "select_n",
        "sort", "argmax", "argmin", "reduce_max", "reduce_min", "cumax", "cummin",
        "reduce_precision", "cond", "while", "convert_element_type",
    }
)  # fmt: skip
CUSTOM_RULE_PREFIXES = ("custom_jvp", "custom_vjp")
#: Nearby points tried when the recorded input sits on a kink.
NEARBY_TRIES = 4
#: A nearby point is the input moved by this many finite-difference steps per element (a
#: random magnitude in the range, a random sign): far enough that the stencil around it does
#: not reach back to a kink at the input, close enough to stay in the input's regime.
NEARBY_STEPS = (10.0, 100.0)
#: Units in the last place that rounding may move a computed value by: a generous bound for
#: a computation of a few dozen operations.
ROUNDING_UNITS = 16
#: XLA options for the gradient program on the CPU: compiled for a few runs, so compile
#: time counts and run time does not (these make it compile three times faster).
QUICK_CPU_COMPILE = {
    "xla_backend_optimization_level": "0",
    "xla_llvm_disable_expensive_passes": "True",
    "xla_cpu_use_fusion_emitters": "False",
}
#: Where the judgment was made, for the message.
IN_FLOAT64 = " (judged in float64)"

Verdict = tuple[str, str | None]


def _is_floating(leaf: Any) -> bool:
    if isinstance(leaf, bool):
        return False
    if isinstance(leaf, float):
        return True
    dtype = getattr(leaf, "dtype", None)
    return dtype is not None and jnp.issubdtype(dtype, jnp.floating)


class ScalarTarget:
    """`fn` as a scalar function of its floating-point argument leaves. Integer and boolean
    leaves (indices, sizes, flags) are held fixed, since they cannot be differentiated. A
    call returns the value and its magnitude: the sum of the sizes of the terms that make
    it up, which is what rounding works at when the terms cancel."""

    def __init__(
        self,
        fn: Callable[..., Any],
        leaves: list[Any],
        treedef: Any,
        positions: list[int],
        weights: dict[int, np.ndarray] | None,
    ) -> None:
        self.fn = fn
        self.leaves = leaves
        self.treedef = treedef
        self.positions = positions
        # Fixed random weights per floating output leaf; None for a scalar output.
        self.weights = weights

    def outputs(self, *float_leaves: Any) -> list[Any]:
        merged = list(self.leaves)
        for position, leaf in zip(self.positions, float_leaves, strict=True):
            # The function expects JAX arrays (`.at[]`, for one), never NumPy ones.
            merged[position] = jnp.asarray(leaf)
        return jax.tree_util.tree_leaves(
            self.fn(*jax.tree_util.tree_unflatten(self.treedef, merged))
        )

    def __call__(self, *float_leaves: Any) -> tuple[Any, Any]:
        """The value and its magnitude, traceable (what reverse mode differentiates)."""
        outputs = self.outputs(*float_leaves)
        if self.weights is None:
            return outputs[0], jnp.abs(outputs[0])
        magnitude = sum(
            jnp.vdot(jnp.asarray(np.abs(weight), outputs[i].dtype), jnp.abs(outputs[i]))
            for i, weight in self.weights.items()
        )
        return self._projected(outputs), magnitude

    def evaluate(self, *float_leaves: np.ndarray) -> tuple[float, float]:
        """The value and its magnitude at a concrete point, projected in NumPy float64:
        the function runs its own compiled program, and no eager jax operation compiles
        anew for each output shape. The projection adds no rounding of the output type."""
        outputs = [np.asarray(output) for output in self.outputs(*float_leaves)]
        if self.weights is None:
            value = outputs[0].astype(np.float64)
            return float(value), float(np.abs(value))
        value = magnitude = 0.0
        for i, weight in self.weights.items():
            output = outputs[i].astype(np.float64).ravel()
            value += float(np.dot(weight.ravel(), output))
            magnitude += float(np.dot(np.abs(weight).ravel(), np.abs(output)))
        return value, magnitude

    def value(self, *float_leaves: Any) -> Any:
        """The value alone: what the kinks are looked for in (the magnitude's `abs` is
        none of the function's)."""
        return self._projected(self.outputs(*float_leaves))

    def _projected(self, outputs: list[Any]) -> Any:
        if self.weights is None:
            return outputs[0]
        return sum(
            jnp.vdot(jnp.asarray(weight, outputs[i].dtype), outputs[i])
            for i, weight in self.weights.items()
        )


def check_grad(
    fn: Callable[..., Any], args: tuple[Any, ...], report: CheckReport, jit_error: str | None
) -> None:
    """Reverse mode against finite differences, on the floating-point argument leaves."""
    leaves, treedef = jax.tree_util.tree_flatten(args)
    float_positions = [i for i, leaf in enumerate(leaves) if _is_floating(leaf)]
    if not float_positions:
        report.set("grad", SKIP, "not differentiable: no floating-point argument")
        return
    primals = tuple(jnp.asarray(leaves[i]) for i in float_positions)
    try:
        target = _scalar_target(fn, leaves, treedef, float_positions, primals)
        if target is None:
            report.set("grad", SKIP, "not differentiable: no floating-point output")
            return
        status, message = _judge(target, primals)
    except Exception as error:
        if jit_error is None:
            report.set("grad", FAIL, f"differentiating raised {describe_exception(error)}")
        else:
            report.set("grad", SKIP, "not run: the function does not jit")
        return
    report.set("grad", status, message)


def _scalar_target(
    fn: Callable[..., Any],
    leaves: list[Any],
    treedef: Any,
    positions: list[int],
    primals: tuple[Any, ...],
) -> ScalarTarget | None:
    """The scalar target, or None when no output is floating-point."""
    sample = ScalarTarget(fn, leaves, treedef, positions, None).outputs(*primals)
    differentiable = [i for i, leaf in enumerate(sample) if _is_floating(jnp.asarray(leaf))]
    if not differentiable:
        return None
    if len(sample) == 1 and jnp.ndim(sample[0]) == 0:
        return ScalarTarget(fn, leaves, treedef, positions, None)
    # A fixed random projection turns any output into a scalar whose gradient exercises
    # every output element.
    rng = np.random.default_rng(0)
    weights = {i: rng.standard_normal(jnp.shape(sample[i])) for i in differentiable}
    return ScalarTarget(fn, leaves, treedef, positions, weights)


# --- derivatives along one direction ---------------------------------------------------------


@dataclass(frozen=True)
class DirectionalDerivatives:
    """Derivatives of a scalar function along one direction at one point."""

    reverse: float  # reverse mode, projected on the direction
    # One-sided difference quotients: forward and backward, with the step and half of it.
    one_sided: tuple[float, float, float, float]
    noise: float  # what rounding alone can move a difference quotient by
    value_finite: bool = True

    @property
    def central_difference(self) -> float:
        forward, backward = self.one_sided[:2]
        return (forward + backward) / 2

    @property
    def disagreement(self) -> float:
        return abs(self.reverse - self.central_difference)

    @property
    def finite(self) -> bool:
        return bool(np.isfinite([self.reverse, *self.one_sided]).all())

    @property
    def roughness(self) -> float:
        """How far the quotients are from what a smooth function gives. There the central
        differences at both steps agree (up to the step squared) and the one-sided ones
        part by the curvature times the step, so twice as much at the full step. A kink
        inside the stencil, or wiggles finer than the step, break both."""
        forward, backward, half_forward, half_backward = self.one_sided
        central_gap = abs((forward + backward) / 2 - (half_forward + half_backward) / 2)
        curvature_gap = abs((forward - backward) - 2 * (half_forward - half_backward))
        return max(central_gap, curvature_gap)

    @property
    def error_bound(self) -> float:
        """What the central difference may be off by: rounding plus truncation (which the
        gap between the steps h and h/2 measures)."""
        return self.noise + self.roughness

    def shown(self) -> str:
        return (
            f"along a random direction reverse mode gives {self.reverse:.6g}, finite "
            f"differences {self.central_difference:.6g}"
        )


class Differentiator:
    """Directional derivatives of one target: reverse mode compiled once, without the
    optimizations that make a program run faster but compile slower (it runs a few times
    at most). The values for the difference quotients come from the target itself, whose
    own jitted function the tests have compiled already, projected in NumPy; or, with
    `values_too` (in float64, where the tests compiled nothing), from the same program
    as the gradient, which then computes both."""

    def __init__(self, target: ScalarTarget, arity: int, *, values_too: bool = False) -> None:
        self.target = target
        self.values_too = values_too
        argnums = tuple(range(arity))
        self.plain = (
            jax.value_and_grad(target, argnums=argnums, has_aux=True)
            if values_too
            else jax.grad(target.value, argnums=argnums)
        )
        self.compiled: dict[Any, Callable[..., Any]] = {}
        self.jits = True

    def _run(self, point: tuple[np.ndarray, ...]) -> Any:
        arrays = tuple(jnp.asarray(p) for p in point)
        if self.jits:
            try:
                return self._compiled_for(arrays)(*arrays)
            except Exception:
                # A function that branches in Python on a float argument differentiates
                # (jax.grad sees concrete values) but does not jit: differentiate as is.
                self.jits = False
        return self.plain(*arrays)

    def gradient(self, point: tuple[np.ndarray, ...]) -> Any:
        return self._run(point)[1] if self.values_too else self._run(point)

    def evaluate(self, point: tuple[np.ndarray, ...]) -> tuple[float, float]:
        """The target's value and magnitude at `point`."""
        if not self.values_too:
            return self.target.evaluate(*point)
        (value, magnitude), _ = self._run(point)
        return float(value), float(magnitude)

    def _compiled_for(self, arrays: tuple[Any, ...]) -> Callable[..., Any]:
        key = tuple((a.shape, str(a.dtype)) for a in arrays)
        compiled = self.compiled.get(key)
        if compiled is None:
            lowered = jax.jit(self.plain).lower(*arrays)
            if jax.default_backend() == "cpu":
                with contextlib.suppress(Exception):  # an XLA without these options
                    compiled = lowered.compile(compiler_options=QUICK_CPU_COMPILE)
            if compiled is None:
                compiled = lowered.compile()
            self.compiled[key] = compiled
        return compiled

    def at(
        self, point: tuple[Any, ...], direction: tuple[Any, ...], eps: float
    ) -> DirectionalDerivatives:
        # Infinite or NaN values are judged below, not warned about in the user's run.
        with np.errstate(all="ignore"):
            return self._at(point, direction, eps)

    def _at(
        self, point: tuple[Any, ...], direction: tuple[Any, ...], eps: float
    ) -> DirectionalDerivatives:
        point = tuple(np.asarray(p) for p in point)
        direction = tuple(np.asarray(d) for d in direction)
        gradient = self.gradient(point)
        reverse = sum(
            float(np.vdot(np.asarray(g, np.float64), np.asarray(d, np.float64)))
            for g, d in zip(gradient, direction, strict=True)
        )
        here, magnitude = self.evaluate(point)
        values, magnitudes = [here], [magnitude]
        for step in (eps, -eps, eps / 2, -eps / 2):
            # The moved point in the input's own type, as jax would compute it.
            moved, moved_magnitude = self.evaluate(
                tuple(
                    (p + np.asarray(step, p.dtype) * d).astype(p.dtype)
                    for p, d in zip(point, direction, strict=True)
                )
            )
            values.append(moved)
            magnitudes.append(moved_magnitude)
        _, ahead, behind, half_ahead, half_behind = values
        one_sided = (
            (ahead - here) / eps,
            (here - behind) / eps,
            (half_ahead - here) / (eps / 2),
            (here - half_behind) / (eps / 2),
        )
        resolution = max(float(jnp.finfo(p.dtype).eps) for p in point)
        largest = max((abs(m) for m in magnitudes if np.isfinite(m)), default=0.0)
        # The half step divides the rounding of two values by eps / 2.
        noise = 2 * ROUNDING_UNITS * resolution * max(largest, 1e-30) / eps
        return DirectionalDerivatives(reverse, one_sided, noise, bool(np.isfinite(here)))


def directional_derivatives(
    target: ScalarTarget, point: tuple[Any, ...], direction: tuple[Any, ...], eps: float
) -> DirectionalDerivatives:
    return Differentiator(target, len(point)).at(point, direction, eps)


def _gradient_tolerance(primals: tuple[Any, ...]) -> float:
    """The relative and absolute tolerance of jax's `check_grads` for the coarsest float
    argument."""
    bits = min(np.dtype(jnp.asarray(p).dtype).itemsize * 8 for p in primals)
    if bits <= 16:
        return 5e-2
    if bits <= 32:
        return 2e-3
    return 1e-5


def _finite_difference_step(primals: tuple[Any, ...]) -> float:
    """A step suited to the coarsest float argument: jax's default (1e-4) leaves float32
    central differences with rounding noise near the tolerance."""
    bits = min(np.dtype(jnp.asarray(p).dtype).itemsize * 8 for p in primals)
    if bits <= 16:
        return 1e-2
    if bits <= 32:
        return 1e-3
    return 1e-4


def _random_direction(primals: tuple[Any, ...], seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(np.shape(p)).astype(np.asarray(p).dtype) for p in primals)


# --- the judgment ----------------------------------------------------------------------------


def _judge(target: ScalarTarget, primals: tuple[Any, ...]) -> Verdict:
    """The verdict at the recorded input, judged again in float64 or near the input where
    the first comparison is no proof."""
    differentiator = Differentiator(target, len(primals))
    here = differentiator.at(
        primals, _random_direction(primals, 1), _finite_difference_step(primals)
    )
    if _agrees(here, primals):
        return PASS, None
    if here.value_finite and not np.isfinite(here.reverse):
        # A kink may leave the derivative undefined, never NaN: a NaN gradient of a finite
        # value is the untaken-branch trap (`jnp.where` over a NaN derivative), at this input.
        return FAIL, (
            "gradient differs from finite differences: reverse mode gives a NaN or infinite"
            f" gradient at the recorded input where the value is finite ({here.shown()})"
        )
    in_float64 = _judge_in_float64(target, primals)
    if in_float64 is not None:
        return in_float64
    return _judge_mismatch(differentiator, primals, here, "")


def _agrees(derivatives: DirectionalDerivatives, primals: tuple[Any, ...]) -> bool:
    """`check_grads`' own criterion: within its tolerance, absolute plus relative."""
    allowed = _gradient_tolerance(primals) * (1 + abs(derivatives.central_difference))
    return derivatives.finite and derivatives.disagreement <= allowed


def _judge_in_float64(target: ScalarTarget, primals: tuple[Any, ...]) -> Verdict | None:
    """The judgment again in float64, where x64 can be switched on for it and the function
    then computes in float64 throughout; None where it cannot (the function pins a
    narrower float type, or fails under x64), or where the input is float64 already."""
    enable_x64 = getattr(jax, "enable_x64", None)
    if enable_x64 is None or all(jnp.asarray(p).dtype == np.float64 for p in primals):
        return None
    try:
        with enable_x64(True):
            wide = tuple(jnp.asarray(np.asarray(p, np.float64)) for p in primals)
            if not _stays_in_float64(target, wide):
                return None
            differentiator = Differentiator(target, len(wide), values_too=True)
            here = differentiator.at(
                wide, _random_direction(wide, 1), _finite_difference_step(wide)
            )
            if _agrees(here, wide):
                return PASS, "checked in float64: float32 finite differences were too coarse here"
            status, message = _judge_mismatch(differentiator, wide, here, IN_FLOAT64)
    except Exception:
        return None
    return status, message


def _stays_in_float64(target: ScalarTarget, wide: tuple[Any, ...]) -> bool:
    """Whether every floating-point value the target computes at `wide` is 64-bit: else
    float64 differences would carry the narrower type's rounding."""
    closed = jax.make_jaxpr(target.value)(*wide)
    for variable in _variables(closed.jaxpr):
        dtype = getattr(getattr(variable, "aval", None), "dtype", None)
        if dtype is None or not jnp.issubdtype(dtype, jnp.inexact):
            continue
        wide_enough = 16 if jnp.issubdtype(dtype, jnp.complexfloating) else 8
        if np.dtype(dtype).itemsize < wide_enough:
            return False
    return True


def _judge_mismatch(
    differentiator: Differentiator,
    primals: tuple[Any, ...],
    here: DirectionalDerivatives,
    note: str,
) -> Verdict:
    """Reverse mode and finite differences disagree at the recorded input: a kink there,
    finite differences that cannot settle, or a wrong gradient."""
    kinks = kinks_of(differentiator.target.value, primals)
    if not kinks:
        return _judge_at_the_input(differentiator, primals, here, note)
    return _judge_nearby(differentiator, primals, here, kinks, note)


def kinks_of(target: Callable[..., Any], primals: tuple[Any, ...]) -> list[str]:
    """The primitives of `target`'s jaxpr at `primals` where a derivative may jump or is
    set by a custom rule, sorted; empty when the function is smooth wherever it is defined."""
    closed = jax.make_jaxpr(target)(*primals)
    found = {
        name
        for name in _primitive_names(closed.jaxpr)
        if name in KINK_PRIMITIVES or name.startswith(CUSTOM_RULE_PREFIXES)
    }
    return sorted(found)


def _equations(jaxpr: Any) -> Iterator[Any]:
    """Every equation of a jaxpr, those of nested jaxprs (jit, cond, scan, custom rules)
    included."""
    for equation in jaxpr.eqns:
        yield equation
        for parameter in equation.params.values():
            for nested in parameter if isinstance(parameter, (tuple, list)) else (parameter,):
                inner = getattr(nested, "jaxpr", None)  # a ClosedJaxpr
                if inner is not None and hasattr(inner, "eqns"):
                    yield from _equations(inner)
                elif hasattr(nested, "eqns"):
                    yield from _equations(nested)


def _primitive_names(jaxpr: Any) -> Iterator[str]:
    for equation in _equations(jaxpr):
        yield equation.primitive.name


def _variables(jaxpr: Any) -> Iterator[Any]:
    yield from (*jaxpr.invars, *jaxpr.constvars, *jaxpr.outvars)
    for equation in _equations(jaxpr):
        yield from (*equation.invars, *equation.outvars)


def _judge_at_the_input(
    differentiator: Differentiator,
    primals: tuple[Any, ...],
    here: DirectionalDerivatives,
    note: str,
) -> Verdict:
    """A smooth function that failed at the recorded input fails, unless finite
    differences cannot tell there: quotients that are not finite, that do not settle
    (steps h and h/2 differ: curvature too large for the step at this precision), or
    whose error bound covers the difference."""
    point = tuple(np.asarray(p) for p in primals)
    with np.errstate(all="ignore"):
        first, second = (differentiator.evaluate(point)[0] for _ in range(2))
    if not (first == second or (np.isnan(first) and np.isnan(second))):
        # Not a function of its inputs (state kept between calls): no derivative to judge
        # and a defect in itself.
        return FAIL, shorten(
            f"gradient differs from finite differences: {here.shown()} (and two calls at the"
            f" recorded input gave {first:.6g} and {second:.6g}){note}",
            300,
        )
    allowed = _gradient_tolerance(primals) * (1 + abs(here.central_difference))
    if not here.finite or here.roughness > allowed + here.noise:
        why = "are not finite" if not here.finite else "do not settle (steps h and h/2 differ)"
        return SKIP, shorten(
            f"finite differences {why} at the recorded input, so they cannot judge the"
            f" gradient there ({here.shown()}){note}",
            300,
        )
    if here.disagreement <= allowed + here.error_bound:
        return SKIP, shorten(
            f"finite differences cannot judge the gradient at the recorded input: {here.shown()},"
            f" a difference within their error bound {here.error_bound:.3g} (rounding at this"
            f" precision){note}",
            300,
        )
    return FAIL, shorten(
        f"gradient differs from finite differences: {here.shown()} at the recorded input"
        f" (difference {here.disagreement:.3g}, error bound of the differences"
        f" {here.error_bound:.3g}){note}",
        300,
    )


def _nearby_points(
    primals: tuple[Any, ...], eps: float
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(point, direction) pairs: the input moved by a few dozen steps, a random direction."""
    rng = np.random.default_rng(0)
    low, high = NEARBY_STEPS
    for _ in range(NEARBY_TRIES):
        point, direction = [], []
        for primal in primals:
            array = np.asarray(primal)
            shape = array.shape
            offset = rng.uniform(low, high, shape) * eps * rng.choice((-1.0, 1.0), shape)
            point.append((array + offset.astype(array.dtype)).astype(array.dtype))
            direction.append(rng.standard_normal(shape).astype(array.dtype))
        yield tuple(point), tuple(direction)


def _judge_nearby(
    differentiator: Differentiator,
    primals: tuple[Any, ...],
    here: DirectionalDerivatives,
    kinks: list[str],
    note: str,
) -> Verdict:
    """After a failure at the recorded input of a function with kinks: judge again where
    the function is smooth."""
    kinds = "kinks or custom rules: " + ", ".join(kinks)
    where = f"the recorded input may sit on a kink ({kinds})"
    tolerance = _gradient_tolerance(primals)
    eps = _finite_difference_step(primals)
    agreed = 0
    for point, direction in _nearby_points(primals, eps):
        derivatives = differentiator.at(point, direction, eps)
        allowed = tolerance * (1 + abs(derivatives.central_difference)) + derivatives.noise
        if not derivatives.finite:
            continue  # NaN or inf nearby: finite differences cannot judge there
        if derivatives.disagreement <= allowed:
            agreed += 1
        elif (
            derivatives.roughness <= allowed
            and derivatives.disagreement > allowed + derivatives.error_bound
        ):
            # Finite differences are consistent here (the function is smooth) and reverse
            # mode disagrees with them beyond their error: the gradient is wrong.
            return FAIL, shorten(
                "gradient differs from finite differences at a point near the recorded"
                f" input where the function is smooth: {derivatives.shown()}; at the"
                f" recorded input ({kinds}): {here.shown()}{note}",
                400,
            )
    if agreed:
        return PASS, f"checked near the recorded input: {where}{note}"
    return SKIP, f"{where} and no smooth point was found near it in {NEARBY_TRIES} tries"
