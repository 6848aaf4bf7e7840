# Source: https://github.com/jax-ml/jax/issues/18910
# "In my quest for escaping tracers, I encountered something a bit 'borderline' and would like your feedback regarding wether the following behavior is intended or not."
import jax
import jax.numpy as jnp


class CPT:
    __slots__ = ("a", "b", "c")

    def __init__(self, *, a, b):
        self.a = a
        self.b = b

    def set_c(self, e, t=None):
        self.c = self.a * self.b * e  # expect: JL002
        return t

    def get_d(self, t=None):
        return self.c * 2 + 1

    def flatten(self):
        return ((self.a, self.b), (["a", "b"],))

    @classmethod
    def unflatten(cls, aux, vals):
        return cls(**dict(zip(aux[0], vals)))


jax.tree_util.register_pytree_node(CPT, CPT.flatten, CPT.unflatten)


def f(x, e, cpt):
    e = e.at[1:2].set(x)
    t = cpt.set_c(e, jax.lax.create_token())
    d = cpt.get_d(t)
    return d.sum()


# The fix (as the maintainer puts it): do not mutate the input; compute and return.
class CPTFixed:
    __slots__ = ("a", "b")

    def __init__(self, *, a, b):
        self.a = a
        self.b = b

    def compute_c(self, e):
        c = self.a * self.b * e  # trap: JL002
        return c

    def get_d(self, c):
        return c * 2 + 1

    def flatten(self):
        return ((self.a, self.b), (["a", "b"],))

    @classmethod
    def unflatten(cls, aux, vals):
        return cls(**dict(zip(aux[0], vals)))


jax.tree_util.register_pytree_node(CPTFixed, CPTFixed.flatten, CPTFixed.unflatten)


def f_fixed(x, e, cpt):
    e = e.at[1:2].set(x)
    return cpt.get_d(cpt.compute_c(e)).sum()


_2s, _3s, _4s = 2 * jnp.ones(3), 3 * jnp.ones(3), 4 * jnp.ones(3)
cpt = CPT(a=_2s, b=_3s)
print(jax.grad(jax.jit(f))(0.5, _4s, cpt))
print(jax.grad(jax.jit(f_fixed))(0.5, _4s, CPTFixed(a=_2s, b=_3s)))
