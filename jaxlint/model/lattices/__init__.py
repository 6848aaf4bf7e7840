"""The value lattices of the semantic model."""
