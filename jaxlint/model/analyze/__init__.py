"""Questions several rules share, as free functions over the model."""
