# Source: https://github.com/jax-ml/jax/issues/3701
# "the dataclass derived Config does not have a __hash__ method by default"
import dataclasses
import functools

import jax


@dataclasses.dataclass
class Config:
    some_value: int


@dataclasses.dataclass(frozen=True)
class FrozenConfig:
    some_value: int


@functools.partial(jax.jit, static_argnums=1)
def do_stuff(data, config):
    return data * config.some_value


def evaluate(data):
    return do_stuff(data, Config(3))  # expect: JL014


def evaluate_fixed(data):
    return do_stuff(data, FrozenConfig(3))
