# Source: https://github.com/jax-ml/jax/issues/7703
# "make pmap error with unhashable values as static_broadcasted_argnums"
import dataclasses
from typing import Any

import jax


@dataclasses.dataclass(unsafe_hash=True)
class C:
    x: Any


def f(c, x):
    return x * c.x


x = jax.numpy.zeros([1])
c = C(x)
jax.pmap(f, static_broadcasted_argnums=0)(c, x)  # expect: JL014
jax.pmap(f)(c, x)
