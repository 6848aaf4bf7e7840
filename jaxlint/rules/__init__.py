"""The rule registry: one module per rule, each carrying its documentation and examples."""

from __future__ import annotations

from collections.abc import Iterable

from jaxlint.rules.base import Invalid, Rule, Valid
from jaxlint.rules.jl000_syntax_error import SyntaxErrorRule
from jaxlint.rules.jl001_inplace_update import InplaceUpdate
from jaxlint.rules.jl002_global_mutation import GlobalMutation
from jaxlint.rules.jl003_jit_in_loop import JitInLoop
from jaxlint.rules.jl004_trace_time_side_effect import TraceTimeSideEffect
from jaxlint.rules.jl005_prng_key_reuse import PrngKeyReuse
from jaxlint.rules.jl006_traced_control_flow import TracedControlFlow
from jaxlint.rules.jl007_numpy_on_tracer import NumpyOnTracer
from jaxlint.rules.jl008_unused_update import UnusedUpdate

ALL_RULES: tuple[type[Rule], ...] = (
    SyntaxErrorRule,
    InplaceUpdate,
    GlobalMutation,
    JitInLoop,
    TraceTimeSideEffect,
    PrngKeyReuse,
    TracedControlFlow,
    NumpyOnTracer,
    UnusedUpdate,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def rules_for(codes: Iterable[str]) -> list[Rule]:
    """Instances of the enabled rules that inspect the model (JL000 is the parser's)."""
    wanted = set(codes)
    return [rule() for rule in ALL_RULES if rule.code in wanted and rule.code != "JL000"]


__all__ = ["ALL_RULES", "RULES_BY_CODE", "Invalid", "Rule", "Valid", "rules_for"]
