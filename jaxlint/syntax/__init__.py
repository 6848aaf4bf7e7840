"""Tree helpers without semantics."""
