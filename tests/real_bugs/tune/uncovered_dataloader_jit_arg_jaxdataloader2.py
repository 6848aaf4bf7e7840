# Source: https://github.com/BirkhoffG/jax-dataloader/issues/2
# "Argument '<jax_dataloader.core.DataLoaderJax object at 0x7f891a1fcb20>' of type <class 'jax_dataloader.core.DataLoaderJax'> is not a valid JAX type."
from functools import partial

import jax
import jax_dataloader.core as jdl
import numpy as np

ds = jdl.Dataset(np.zeros((100, 28, 28)), np.zeros(100))
train_loader = jdl.DataLoaderJax(ds, batch_size=5, shuffle=False, drop_last=False)


@jax.jit
def foo(train_loader):
    Xtr, Ytr = next(iter(train_loader))
    return Xtr.sum() + Ytr.sum()


@partial(jax.jit, static_argnames=["train_loader"])
def foo_fixed(train_loader):
    Xtr, Ytr = next(iter(train_loader))
    return Xtr.sum() + Ytr.sum()


foo(train_loader)  # uncovered: non-array argument to jit
