# Source: https://github.com/google/flax/issues/1218
# "Looking at the code my first guess is that your problem is the placement of `jax.jit`. Note how you end up calling jit each iteration."
import jax
from jax import numpy as np
from jax import random


def predict(params, key, source):
    noise = random.normal(key, source.shape) * 0.01
    return jax.nn.softmax((source + noise) @ params)


def make_batched_loss(key, source_batch, target_batch):
    def loss(params):
        def cross_entropy_sentence(source, target):
            logits = predict(params, key, source)
            target_logits = jax.nn.one_hot(target, params.shape[1], dtype="float32")
            return -np.sum(target_logits * np.log(logits))

        sentence_losses = jax.vmap(cross_entropy_sentence)(source_batch, target_batch)
        return np.mean(sentence_losses)

    return jax.jit(loss)


@jax.jit
def train_step(key, params, source_batch, target_batch):
    def loss(params):
        def cross_entropy_sentence(source, target):
            logits = predict(params, key, source)
            target_logits = jax.nn.one_hot(target, params.shape[1], dtype="float32")
            return -np.sum(target_logits * np.log(logits))

        sentence_losses = jax.vmap(cross_entropy_sentence)(source_batch, target_batch)
        return np.mean(sentence_losses)

    loss_val, grad = jax.value_and_grad(loss)(params)
    return params - 0.01 * grad, loss_val


def get_batches(key, n_batches=100):
    keys = random.split(key, n_batches)
    return [(random.normal(k, (16, 8)), np.zeros(16, dtype=int)) for k in keys]


key = random.PRNGKey(11)
params = np.zeros((8, 4))
for epoch in range(10):
    key, key_ = random.split(key)
    for batch_num, (source_batch, target_batch) in enumerate(get_batches(key_)):
        key, key_ = random.split(key)
        loss = make_batched_loss(key_, source_batch, target_batch)  # expect: JL003
        loss_val, grad = jax.value_and_grad(loss)(params)
        params = params - 0.01 * grad

# The fix ("Moved jit to outside main loop"): one jitted step, called in the loop.
for epoch in range(10):
    key, key_ = random.split(key)
    for batch_num, (source_batch, target_batch) in enumerate(get_batches(key_)):
        key, key_ = random.split(key)
        params, loss_val = train_step(key_, params, source_batch, target_batch)  # trap: JL003
