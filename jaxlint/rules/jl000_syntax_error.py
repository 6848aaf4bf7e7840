"""JL000 syntax-error: the file does not decode or parse."""

from __future__ import annotations

from collections.abc import Iterator

from jaxlint.findings import Diagnostic
from jaxlint.model import SemanticModel
from jaxlint.rules.base import Rule


class SyntaxErrorRule(Rule):
    code = "JL000"
    name = "syntax-error"
    summary = "File does not decode or parse"
    what_it_does = """
        Reports a file that cannot be read, decoded or parsed, with the parser's message and
        position. The other files are still checked.
        """
    why_bad = """
        A file that does not parse cannot run, and no other rule can check it: a syntax error
        hides every other problem in the file.
        """
    example = """
        def step(x)
            return x + 1
        """
    use_instead = """
        def step(x):
            return x + 1
        """

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        # Reported by the engine when parsing fails; there is no tree to inspect.
        return iter(())
