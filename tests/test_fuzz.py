"""Generated programs: linting (and fixing) valid Python never fails inside jaxlint.

The number of examples is a setting: ``JAXLINT_FUZZ_EXAMPLES`` (default 500, what CI
runs); ``benchmarks/fuzz.py --n 50000`` is the long local run.
"""

from __future__ import annotations

import os
import textwrap

import hypothesmith
import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaxlint.driver.engine import lint_python_source

EXAMPLES = int(os.environ.get("JAXLINT_FUZZ_EXAMPLES", "500"))

# JAX in sight, so the semantic model and every rule run on the generated code, both at
# module level and inside a jitted function (where "traced" rules apply).
PRELUDE = "import jax\nimport jax.numpy as jnp\nimport numpy as np\nfrom jax import lax\n"


def variants(source: str) -> list[str]:
    body = textwrap.indent(source, "    ") if source.strip() else "    pass\n"
    return [
        PRELUDE + source,
        PRELUDE + "\n\n@jax.jit\ndef traced(x, key):\n" + body + "\n",
    ]


def check(source: str) -> None:
    for program in variants(source):
        result = lint_python_source(program, "generated.py", fix=True, unsafe_fixes=True)
        assert not result.errors, (result.errors, program)
        if result.fixed_source is not None:
            cst.parse_module(result.fixed_source)  # raises if --fix broke the syntax


programs = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(programs)
def test_generated_programs_lint_without_internal_error(source: str) -> None:
    check(source)
