"""What jaxlint knows about the JAX ecosystem, as data."""
