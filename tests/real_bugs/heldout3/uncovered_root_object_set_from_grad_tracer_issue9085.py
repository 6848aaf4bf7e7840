# Source: https://github.com/jax-ml/jax/issues/9085
# "the `setVal` method of `alpha_lumi_kFact` object in the above function takes as input only regular float values"
import jax
import jax.numpy as jnp
import ROOT

t = ROOT.TFile.Open("workspace.root").Get("combined")


def NLL(mu1):
    mu = mu1[0]
    alpha = mu1[1]
    alpha_lumi_kFact = t.obj("alpha_ATLAS_LUMI")
    alpha_lumi_kFact.setVal(alpha)  # uncovered: non-JAX library on traced value
    result = mu + alpha_lumi_kFact.getVal()
    return result


def NLL_fixed(mu1):
    # The likelihood written in JAX itself, so grad can trace it.
    mu = mu1[0]
    alpha = mu1[1]
    return mu + 0.017 * alpha


jax.grad(NLL)(jnp.array([1.0, 0.0]))
jax.grad(NLL_fixed)(jnp.array([1.0, 0.0]))
