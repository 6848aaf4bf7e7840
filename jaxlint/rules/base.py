"""The rule protocol: code, documentation, examples, and a check over the model."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from jaxlint.fix.findings import Diagnostic, single_line
from jaxlint.model import SemanticModel
from jaxlint.rules.triggers import Trigger


def source_text(node: cst.CSTNode, limit: int | None = None) -> str:
    """The code of ``node`` for a message or a fix's description: on one line (a message
    is one line of text output), shortened past ``limit``."""
    text = cst.Module(body=[]).code_for_node(node)
    if limit is None:
        return single_line(text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def reported(diagnostics: Iterable[Diagnostic | None]) -> Iterator[Diagnostic]:
    """The findings of a per-site check, which answers None where it finds nothing."""
    return (diagnostic for diagnostic in diagnostics if diagnostic is not None)


@dataclass(frozen=True)
class Valid:
    """Code the rule must not flag."""

    code: str


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag ``count`` times; ``fixed`` is the source after ``--fix``
    (with ``unsafe`` fixes applied when the rule's fix is unsafe). Where it matters, the
    first finding is pinned, as Fixit's ``Invalid(range=..., expected_message=...)``:
    ``line`` and ``column`` (1-based; line 1 is the first line after the opening quotes)
    and ``message``, a fragment its message must contain; ``fixes``, the applicability
    of each finding's fix in order ("safe", "unsafe", or None for no fix)."""

    code: str
    fixed: str | None = None
    count: int = 1
    line: int | None = None
    column: int | None = None
    message: str | None = None
    fixes: tuple[str | None, ...] | None = None


class RuleInfo:
    """A code's entry in the registry: its name, documentation and examples. JL000 is
    only this (the parser reports it); every other code is a :class:`Rule`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    fix: ClassVar[str] = "none"  # "safe", "unsafe", "sometimes" or "none"
    #: Markdown sections, ruff style: what it does, why is this bad, example,
    #: use instead, fix safety.
    what_it_does: ClassVar[str]
    why_bad: ClassVar[str]
    example: ClassVar[str]
    use_instead: ClassVar[str]
    fix_safety: ClassVar[str] = ""
    #: Off by default (ruff's opt-in rules): only ``ALL`` or the exact code enables it.
    default_enabled: ClassVar[bool] = True
    #: A preview rule (ruff's preview): off unless ``--preview`` or ``preview = true``, so
    #: that a new rule can land before its false-alarm rate is measured.
    preview: ClassVar[bool] = False
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    @classmethod
    def documentation(cls) -> str:
        availability = {
            "safe": "Fix is always available.",
            "unsafe": "Fix is always available, and unsafe (see Fix safety).",
            "sometimes": "Fix is sometimes available.",
            "none": "Fix is not available.",
        }[cls.fix]
        if cls.preview:
            availability += " In preview: enable it with `--preview` or `preview = true`."
        if not cls.default_enabled:
            availability += (
                f" Off by default: enable it with `--select {cls.code}`, "
                f'`extend-select = ["{cls.code}"]` or `select = ["ALL"]`.'
            )
        sections = [
            f"# {cls.name} ({cls.code})",
            availability,
            "## What it does\n" + textwrap.dedent(cls.what_it_does).strip(),
            "## Why is this bad?\n" + textwrap.dedent(cls.why_bad).strip(),
            "## Example\n```python\n" + textwrap.dedent(cls.example).strip() + "\n```",
            "## Use instead:\n```python\n" + textwrap.dedent(cls.use_instead).strip() + "\n```",
        ]
        if cls.fix_safety:
            sections.append("## Fix safety\n" + textwrap.dedent(cls.fix_safety).strip())
        return "\n\n".join(sections) + "\n"


@dataclass(frozen=True)
class RuleOptions:
    """The configuration's rule options (``max-unrolled-iterations = 100``): what tunes
    what a rule reports, with the rules' defaults."""

    #: JL018: a loop in staged code may run this many times before it is reported.
    max_unrolled_iterations: int = 100


class Rule(RuleInfo):
    """One check over the model. Subclasses set the class attributes and implement
    :meth:`check`; rules run only on files that look like JAX code."""

    #: The syntactic evidence (:class:`~jaxlint.rules.triggers.Trigger`) without which the
    #: rule cannot report on a file; any one of them suffices. The prefilter
    #: (:mod:`jaxlint.project.prefilter`) spares libcst a file that shows none of the
    #: enabled rules' triggers, so a rule must declare every kind of evidence its findings
    #: can rest on. None declared: the rule runs on every file that looks like JAX code
    #: (the safe default for a new rule). Functions traced from other files count as
    #: every trigger shown.
    triggers: ClassVar[frozenset[Trigger]] = frozenset()

    def __init__(self, options: RuleOptions | None = None) -> None:
        self.options = options if options is not None else RuleOptions()

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        raise NotImplementedError
