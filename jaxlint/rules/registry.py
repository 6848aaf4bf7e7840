"""The rule registry: one module per rule, each carrying its documentation and examples.

Imported through :mod:`jaxlint.rules` on first use of a name (``from jaxlint.rules import
ALL_RULES``); :mod:`jaxlint.rules.catalog` answers the commands that only describe rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from jaxlint.rules.base import Invalid, Rule, RuleInfo, RuleOptions, Valid
from jaxlint.rules.jl000_syntax_error import SyntaxErrorInfo
from jaxlint.rules.jl001_inplace_update import InplaceUpdate
from jaxlint.rules.jl002_global_mutation import GlobalMutation
from jaxlint.rules.jl003_jit_in_loop import JitInLoop
from jaxlint.rules.jl004_trace_time_side_effect import TraceTimeSideEffect
from jaxlint.rules.jl005_prng_key_reuse import PrngKeyReuse
from jaxlint.rules.jl006_traced_control_flow import TracedControlFlow
from jaxlint.rules.jl007_numpy_on_tracer import NumpyOnTracer
from jaxlint.rules.jl008_unused_update import UnusedUpdate
from jaxlint.rules.jl009_jit_rewrap_in_loop import JitRewrapInLoop
from jaxlint.rules.jl010_stale_global_read import StaleGlobalRead
from jaxlint.rules.jl011_dynamic_shape import DynamicShape
from jaxlint.rules.jl012_non_array_input import NonArrayInput
from jaxlint.rules.jl013_jit_method_self import JitMethodSelf
from jaxlint.rules.jl014_static_argument import StaticArgument
from jaxlint.rules.jl015_donated_buffer_reuse import DonatedBufferReuse
from jaxlint.rules.jl016_constant_prng_key import ConstantPrngKey
from jaxlint.rules.jl017_nan_gradient_where import NanGradientWhere
from jaxlint.rules.jl018_unrolled_loop import UnrolledLoop
from jaxlint.rules.jl019_unsynchronized_timing import UnsynchronizedTiming

#: The rules that check the model, in the order they run.
MODEL_RULES: tuple[type[Rule], ...] = (
    InplaceUpdate,
    GlobalMutation,
    JitInLoop,
    TraceTimeSideEffect,
    PrngKeyReuse,
    TracedControlFlow,
    NumpyOnTracer,
    UnusedUpdate,
    JitRewrapInLoop,
    StaleGlobalRead,
    DynamicShape,
    NonArrayInput,
    JitMethodSelf,
    StaticArgument,
    DonatedBufferReuse,
    ConstantPrngKey,
    NanGradientWhere,
    UnrolledLoop,
    UnsynchronizedTiming,
)
#: Every code jaxlint reports, documented (``jaxlint rules``, SARIF, the README table):
#: JL000, which the parser reports, then the model rules. The one registry of codes.
ALL_RULES: tuple[type[RuleInfo], ...] = (SyntaxErrorInfo, *MODEL_RULES)
RULES_BY_CODE: dict[str, type[RuleInfo]] = {rule.code: rule for rule in ALL_RULES}
ALL_CODES: tuple[str, ...] = tuple(rule.code for rule in ALL_RULES)
#: Codes off by default: only ``ALL`` or the exact code selects them (ruff's opt-in rules).
OPT_IN_CODES: frozenset[str] = frozenset(r.code for r in ALL_RULES if not r.default_enabled)
#: Codes in preview: off unless ``--preview`` (or ``preview = true``), whatever selects them.
PREVIEW_CODES: frozenset[str] = frozenset(r.code for r in ALL_RULES if r.preview)


def rules_for(codes: Iterable[str], options: RuleOptions | None = None) -> list[Rule]:
    """Instances of the enabled model rules, in registry order, with the rule options."""
    wanted = set(codes)
    return [rule(options) for rule in MODEL_RULES if rule.code in wanted]


__all__ = [
    "ALL_CODES",
    "ALL_RULES",
    "MODEL_RULES",
    "OPT_IN_CODES",
    "PREVIEW_CODES",
    "RULES_BY_CODE",
    "Invalid",
    "Rule",
    "RuleInfo",
    "RuleOptions",
    "Valid",
    "rules_for",
]
