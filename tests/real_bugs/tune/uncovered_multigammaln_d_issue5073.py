# Source: https://github.com/jax-ml/jax/issues/5073
# "It arose in jax.numpy.arange argument `stop`. While tracing the function multigammaln"
from functools import partial

from jax import jit
from jax.scipy.special import multigammaln

jit(multigammaln)(1, 2)  # expect: JL011
jit(partial(multigammaln, d=2))(1)
