# Source: https://github.com/jax-ml/jax/issues/16845
# "I generated a standard normal random sample and then with the sample as the mean another normal random sample with variance 1."
from jax import numpy, random


def two_stage():
    key = random.PRNGKey(1337)
    s1 = random.multivariate_normal(key, numpy.array([0]), numpy.eye(1), shape=(10000,))
    s2 = random.multivariate_normal(key, s1, numpy.eye(1))  # expect: JL005
    return numpy.cov(s2, rowvar=False)


def two_stage_fixed():
    key = random.PRNGKey(1337)
    key1, key2 = random.split(key)
    s1 = random.multivariate_normal(key1, numpy.array([0]), numpy.eye(1), shape=(10000,))
    s2 = random.multivariate_normal(key2, s1, numpy.eye(1))  # trap: JL005
    return numpy.cov(s2, rowvar=False)


print(two_stage())
print(two_stage_fixed())
