# Source: https://github.com/jax-ml/jax/issues/13351
# "shouldn't it return only a?": lax.switch traces every branch, so every print runs.
import jax


def fun_a():
    print("a")  # expect: JL004


def fun_b():
    print("b")  # expect: JL004


def fun_c():
    print("c")  # expect: JL004


functions_list = [fun_a, fun_b, fun_c]


def run(index):
    return jax.lax.switch(index, functions_list)


def show_a(x):
    jax.debug.print("a {x}", x=x)  # trap: JL004
    return x


def show_b(x):
    jax.debug.print("b {x}", x=x)
    return x


def run_fixed(index, x):
    return jax.lax.switch(index, [show_a, show_b], x)
