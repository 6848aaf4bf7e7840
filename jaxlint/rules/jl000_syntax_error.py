"""JL000 syntax-error: the file does not decode or parse.

Registry metadata only: the engine reports JL000 when reading or parsing fails
(:mod:`jaxlint.driver.source`), so there is no tree to check and no :class:`Rule`.
"""

from __future__ import annotations

from jaxlint.rules.base import RuleInfo


class SyntaxErrorInfo(RuleInfo):
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
