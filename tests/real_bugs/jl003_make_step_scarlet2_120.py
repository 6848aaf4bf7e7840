# Source: https://github.com/pmelchior/scarlet2/issues/120
# Fitting many scenes: the jitted step is rebuilt around each scene, so every fit recompiles.
import equinox as eqx
import jax.numpy as jnp


def loss(model, obs):
    return jnp.sum((model - obs) ** 2)


def fit_all(scenes, model0, lr):
    fitted = []
    for obs in scenes:

        @eqx.filter_jit  # expect: JL003
        def _make_step(model):
            return model - lr * 2 * (model - obs)

        model = model0
        for _ in range(10):
            model = _make_step(model)
        fitted.append(model)
    return fitted


@eqx.filter_jit
def _make_step_top(model, obs, lr):
    return model - lr * 2 * (model - obs)


def fit_all_fixed(scenes, model0, lr):
    fitted = []
    for obs in scenes:
        model = model0
        for _ in range(10):
            model = _make_step_top(model, obs, lr)  # trap: JL003
        fitted.append(model)
    return fitted
