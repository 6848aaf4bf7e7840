"""Reporters and snippets."""
