"""jaxlint: a purity and side-effect linter for JAX code."""

__version__ = "0.1.0"
