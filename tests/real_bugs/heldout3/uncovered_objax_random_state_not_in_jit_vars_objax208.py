# Source: https://github.com/google/objax/issues/208
# "If user won't add random generator to VarCollection of jitted code then same number always return by random generator"
import objax


def function():
    d = objax.random.uniform((1,))
    return d


function_jit = objax.Jit(function, objax.VarCollection())  # uncovered: stateful RNG of a framework frozen by jit (generator state not passed in)
for _ in range(3):
    print(function_jit())

function_jit_fixed = objax.Jit(function, objax.random.DEFAULT_GENERATOR.vars())
for _ in range(3):
    print(function_jit_fixed())
