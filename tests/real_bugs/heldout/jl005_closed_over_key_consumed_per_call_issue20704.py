# Source: https://github.com/jax-ml/jax/issues/20704
# "key reuse detection fails for closed-over keys in JIT ... f()  # Should error but doesn't."
import jax

jax.config.update("jax_debug_key_reuse", True)

key = jax.random.key(0)


@jax.jit
def f():
    return jax.random.bits(key)


a = f()
b = f()  # expect: JL005


# The fix: pass the key in, and give each call its own key.
@jax.jit
def g(key):
    return jax.random.bits(key)


k1, k2 = jax.random.split(jax.random.key(1))
c = g(k1)
d = g(k2)  # trap: JL005
print(a == b, c == d)
