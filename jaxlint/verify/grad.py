"""The `grad` check: `check_grads` in reverse mode against finite differences.

Tests often call a function exactly where its derivative is not defined: `relu` at 0.0,
linear interpolation at integer coordinates, a norm at the origin whose custom rule picks
a gradient. Finite differences straddle the kink there and disagree with any reverse-mode
answer. So a failure at the recorded input of a function that has kinks (or a custom
derivative rule) is judged again at nearby points: a point counts only where the two
one-sided differences agree, that is where the function is smooth, and the function fails
only when reverse mode disagrees with finite differences at such a point.
"""

from __future__ import annotations

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


def _is_floating(leaf: Any) -> bool:
    if isinstance(leaf, bool):
        return False
    if isinstance(leaf, float):
        return True
    dtype = getattr(leaf, "dtype", None)
    return dtype is not None and jnp.issubdtype(dtype, jnp.floating)


def check_grad(
    fn: Callable[..., Any], args: tuple[Any, ...], report: CheckReport, jit_error: str | None
) -> None:
    """`check_grads` in reverse mode against finite differences.

    Only the floating-point argument leaves are varied; integer and boolean leaves
    (indices, sizes, flags) are held fixed, since they cannot be differentiated.
    """
    from jax.test_util import check_grads

    jax.clear_caches()
    leaves, treedef = jax.tree_util.tree_flatten(args)
    float_positions = [i for i, leaf in enumerate(leaves) if _is_floating(leaf)]
    if not float_positions:
        report.set("grad", SKIP, "not differentiable: no floating-point argument")
        return
    primals = tuple(jnp.asarray(leaves[i]) for i in float_positions)

    def call(*float_leaves: Any) -> Any:
        merged = list(leaves)
        for position, leaf in zip(float_positions, float_leaves, strict=True):
            # check_grads evaluates finite differences on NumPy arrays; the function
            # expects JAX arrays (`.at[]`, for one).
            merged[position] = jnp.asarray(leaf)
        return fn(*jax.tree_util.tree_unflatten(treedef, merged))

    eps = _finite_difference_step(primals)
    try:
        sample = call(*primals)
        output_leaves = jax.tree_util.tree_leaves(sample)
        differentiable = [
            i for i, leaf in enumerate(output_leaves) if _is_floating(jnp.asarray(leaf))
        ]
        if not differentiable:
            report.set("grad", SKIP, "not differentiable: no floating-point output")
            return
        scalar_output = len(output_leaves) == 1 and jnp.ndim(output_leaves[0]) == 0
        if scalar_output:
            target = call
        else:
            # A fixed random projection turns any output into a scalar whose gradient
            # exercises every output element.
            key = jax.random.PRNGKey(0)
            projections = {
                i: jax.random.normal(
                    jax.random.fold_in(key, i),
                    jnp.shape(output_leaves[i]),
                    jnp.asarray(output_leaves[i]).dtype,
                )
                for i in differentiable
            }

            def target(*float_leaves: Any) -> Any:
                out = jax.tree_util.tree_leaves(call(*float_leaves))
                return sum(jnp.vdot(projections[i], out[i]) for i in differentiable)

        check_grads(target, primals, order=1, modes=("rev",), eps=eps)
    except AssertionError as error:
        detail = _grad_detail(error)
        try:
            _judge_nearby(target, primals, eps, detail, report)
        except Exception as nearby_error:
            report.set(
                "grad",
                FAIL,
                f"gradient differs from finite differences: {detail} (no nearby point could"
                f" be tried: {describe_exception(nearby_error)})",
            )
        return
    except Exception as error:
        if jit_error is None:
            report.set("grad", FAIL, f"differentiating raised {describe_exception(error)}")
        else:
            report.set("grad", SKIP, "not run: the function does not jit")
        return
    report.set("grad", PASS)


# --- kinks and nearby points ---------------------------------------------------------------


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


def _primitive_names(jaxpr: Any) -> Iterator[str]:
    """Every primitive of a jaxpr, nested jaxprs (jit, cond, scan, custom rules) included."""
    for equation in jaxpr.eqns:
        yield equation.primitive.name
        for parameter in equation.params.values():
            for nested in parameter if isinstance(parameter, (tuple, list)) else (parameter,):
                inner = getattr(nested, "jaxpr", None)  # a ClosedJaxpr
                if inner is not None and hasattr(inner, "eqns"):
                    yield from _primitive_names(inner)
                elif hasattr(nested, "eqns"):
                    yield from _primitive_names(nested)


@dataclass(frozen=True)
class DirectionalDerivatives:
    """Derivatives of a scalar function along one direction at one point."""

    reverse: float  # reverse mode, projected on the direction
    # One-sided difference quotients: forward and backward, with the step and half of it.
    one_sided: tuple[float, float, float, float]
    noise: float  # what rounding alone can move a difference quotient by

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


def directional_derivatives(
    target: Callable[..., Any], point: tuple[Any, ...], direction: tuple[Any, ...], eps: float
) -> DirectionalDerivatives:
    value, gradient = jax.value_and_grad(target, argnums=tuple(range(len(point))))(*point)
    reverse = sum(
        float(np.vdot(np.asarray(g, np.float64), np.asarray(d, np.float64)))
        for g, d in zip(gradient, direction, strict=True)
    )
    here = float(value)

    def moved(step: float) -> float:
        return float(target(*(p + step * d for p, d in zip(point, direction, strict=True))))

    ahead, behind, half_ahead, half_behind = (moved(s) for s in (eps, -eps, eps / 2, -eps / 2))
    one_sided = (
        (ahead - here) / eps,
        (here - behind) / eps,
        (half_ahead - here) / (eps / 2),
        (here - half_behind) / (eps / 2),
    )
    resolution = max(float(jnp.finfo(jnp.asarray(p).dtype).eps) for p in point)
    largest = max(abs(here), abs(ahead), abs(behind), abs(half_ahead), abs(half_behind))
    noise = 16 * resolution * max(largest, 1e-30) / eps
    return DirectionalDerivatives(reverse, one_sided, noise)


def _gradient_tolerance(primals: tuple[Any, ...]) -> float:
    """check_grads' own tolerance for the coarsest float argument."""
    bits = min(np.dtype(jnp.asarray(p).dtype).itemsize * 8 for p in primals)
    if bits <= 16:
        return 5e-2
    if bits <= 32:
        return 2e-3
    return 1e-5


def _nearby_points(
    primals: tuple[Any, ...], eps: float
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(point, direction) pairs: the input moved by a few dozen steps, a random direction."""
    rng = np.random.default_rng(0)
    low, high = NEARBY_STEPS
    for _ in range(NEARBY_TRIES):
        point, direction = [], []
        for primal in primals:
            array = jnp.asarray(primal)
            shape = array.shape
            offset = rng.uniform(low, high, shape) * eps * rng.choice((-1.0, 1.0), shape)
            point.append((array + offset.astype(array.dtype)).astype(array.dtype))
            direction.append(jnp.asarray(rng.standard_normal(shape), array.dtype))
        yield tuple(point), tuple(direction)


def _judge_nearby(
    target: Callable[..., Any],
    primals: tuple[Any, ...],
    eps: float,
    detail: str,
    report: CheckReport,
) -> None:
    """After a failure at the recorded input: judge again where the function is smooth."""
    value, gradient = jax.value_and_grad(target, argnums=tuple(range(len(primals))))(*primals)
    gradient_finite = all(bool(jnp.isfinite(g).all()) for g in gradient)
    if bool(jnp.isfinite(value)) and not gradient_finite:
        # A kink may leave the derivative undefined, never NaN: a NaN gradient of a finite
        # value is the untaken-branch trap (`jnp.where` over a NaN derivative), at this input.
        report.set(
            "grad",
            FAIL,
            "gradient differs from finite differences: reverse mode gives a NaN or infinite"
            f" gradient at the recorded input where the value is finite ({detail})",
        )
        return
    kinks = kinks_of(target, primals)
    if not kinks:
        _judge_at_the_input(target, primals, eps, detail, report)
        return
    kinds = "kinks or custom rules: " + ", ".join(kinks)
    where = f"the recorded input may sit on a kink ({kinds})"
    tolerance = _gradient_tolerance(primals)
    agreed = 0
    for point, direction in _nearby_points(primals, eps):
        derivatives = directional_derivatives(target, point, direction, eps)
        allowed = tolerance * (1 + abs(derivatives.central_difference)) + derivatives.noise
        if not derivatives.finite:
            continue  # NaN or inf nearby: finite differences cannot judge there
        if derivatives.disagreement <= allowed:
            agreed += 1
        elif derivatives.roughness <= allowed:
            # Finite differences are consistent here (the function is smooth) and reverse
            # mode disagrees with them: the gradient is wrong.
            report.set(
                "grad",
                FAIL,
                shorten(
                    "gradient differs from finite differences at a point near the recorded"
                    " input where the function is smooth: along a random direction reverse"
                    f" mode gives {derivatives.reverse:.6g}, finite differences"
                    f" {derivatives.central_difference:.6g}; at the recorded input ({kinds}): {detail}",
                    300,
                ),
            )
            return
    if agreed:
        report.set("grad", PASS, f"checked near the recorded input: {where}")
    else:
        report.set(
            "grad",
            SKIP,
            f"{where} and no smooth point was found near it in {NEARBY_TRIES} tries",
        )


def _judge_at_the_input(
    target: Callable[..., Any],
    primals: tuple[Any, ...],
    eps: float,
    detail: str,
    report: CheckReport,
) -> None:
    """A smooth function that failed at the recorded input fails, unless finite
    differences do not settle there: quotients at two steps that disagree (curvature too
    large for the step at this precision) or that are not finite."""
    first, second = (np.asarray(target(*primals)) for _ in range(2))
    if not np.array_equal(first, second, equal_nan=True):
        # Not a function of its inputs (state kept between calls): no derivative to judge
        # and a defect in itself.
        report.set(
            "grad",
            FAIL,
            shorten(
                f"gradient differs from finite differences: {detail} (and two calls at the"
                f" recorded input gave {first.item():.6g} and {second.item():.6g})",
                300,
            ),
        )
        return
    rng = np.random.default_rng(1)
    direction = tuple(
        jnp.asarray(rng.standard_normal(jnp.shape(p)), jnp.asarray(p).dtype) for p in primals
    )
    derivatives = directional_derivatives(target, primals, direction, eps)
    allowed = _gradient_tolerance(primals) * (1 + abs(derivatives.central_difference))
    if derivatives.finite and derivatives.roughness <= allowed + derivatives.noise:
        report.set("grad", FAIL, "gradient differs from finite differences: " + detail)
        return
    why = "are not finite" if not derivatives.finite else "do not settle (steps h and h/2 differ)"
    report.set(
        "grad",
        SKIP,
        shorten(
            f"finite differences {why} at the recorded input, so they cannot judge the"
            f" gradient there (check_grads: {detail})",
            300,
        ),
    )


def _finite_difference_step(primals: tuple[Any, ...]) -> float:
    """A step suited to the coarsest float argument: jax's default (1e-4) leaves float32
    central differences with rounding noise near check_grads' own tolerance."""
    bits = min(np.dtype(jnp.asarray(p).dtype).itemsize * 8 for p in primals)
    if bits <= 16:
        return 1e-2
    if bits <= 32:
        return 1e-3
    return 1e-4


def _grad_detail(error: AssertionError) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    wanted = [
        line
        for line in lines
        if line.startswith(("Max absolute", "Max relative", "ACTUAL", "DESIRED", "Not equal"))
    ]
    return shorten("; ".join(wanted or lines[:3]), 300)
