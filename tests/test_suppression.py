"""``# noqa`` and ``# jaxlint: skip-file`` count only in real comments (issue 13.7), and
``# noqa: JL00`` silences by prefix, as flake8 does."""

from __future__ import annotations

import textwrap

import pytest

from jaxlint.driver.engine import lint_python_source

BAD = textwrap.dedent("""\
    import jax.numpy as jnp


    def f():
        x = jnp.zeros(3)
        x[0] = 1.0{noqa}
        return x
    """)


def codes(source: str) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in lint_python_source(source, "m.py").findings]


def test_skip_file_in_a_comment_skips_the_file() -> None:
    assert codes("# jaxlint: skip-file\n" + BAD.format(noqa="")) == []
    assert codes(BAD.format(noqa="") + "# JAXLINT:  Skip-File (generated)\n") == []


@pytest.mark.parametrize(
    "holder",
    [
        'NOTE = "# jaxlint: skip-file"\n',
        'NOTE = """\n# jaxlint: skip-file\n"""\n',
        "NOTE = f'{1} # jaxlint: skip-file'\n",
    ],
)
def test_skip_file_inside_a_string_literal_does_not_skip(holder: str) -> None:
    assert codes(holder + BAD.format(noqa="")) == [("JL001", 6 + holder.count("\n"))]


@pytest.mark.parametrize(
    "noqa",
    ["  # noqa", "  # noqa: JL001", "  # noqa: JL00", "  # noqa: JL", "  # NOQA:jl001",
     "  # noqa: JL004, JL001", "  # noqa: JL004 JL001", "  # type: ignore  # noqa: JL0"],
)  # fmt: skip
def test_noqa_comment_silences_by_code_or_prefix(noqa: str) -> None:
    assert codes(BAD.format(noqa=noqa)) == []


@pytest.mark.parametrize("noqa", ["  # noqa: JL002", "  # noqa: JL01", "  # noqa: JL0011"])
def test_noqa_for_other_codes_does_not_silence(noqa: str) -> None:
    assert codes(BAD.format(noqa=noqa)) == [("JL001", 6)]


def test_noqa_inside_a_string_literal_does_not_silence() -> None:
    source = textwrap.dedent("""\
        import jax.numpy as jnp


        def f():
            x = jnp.zeros(3)
            x[0] = len("# noqa")
            x[1] = len('''
        # noqa: JL001''')
            return x
        """)
    assert codes(source) == [("JL001", 6), ("JL001", 7)]


def test_noqa_on_the_last_line_of_a_multi_line_finding_silences_it() -> None:
    source = textwrap.dedent("""\
        import jax.numpy as jnp


        def f():
            x = jnp.zeros(3)
            x[
                0
            ] = 1.0  # noqa: JL001
            return x
        """)
    assert codes(source) == []
