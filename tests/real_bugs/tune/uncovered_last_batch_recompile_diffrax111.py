# Source: https://github.com/patrick-kidger/diffrax/issues/111
# "I think I recognized the significance of 39 here, as that is the integer result of the dataset size (10000) divided by the batch size (256)."
import equinox as eqx
import jax.numpy as jnp


def dataloader(arrays, batch_size):
    dataset_size = arrays.shape[0]
    start = 0
    while start < dataset_size:
        yield arrays[start : start + batch_size]  # uncovered: recompile on ragged last batch
        start += batch_size


def dataloader_fixed(arrays, batch_size):
    dataset_size = arrays.shape[0]
    start = 0
    while start + batch_size <= dataset_size:
        yield arrays[start : start + batch_size]
        start += batch_size


@eqx.filter_jit
def make_step(params, batch):
    return params - 0.01 * jnp.mean(batch)


def train(params, data):
    for batch in dataloader(data, 256):
        params = make_step(params, batch)
    return params
