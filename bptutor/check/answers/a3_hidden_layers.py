"""Assignment a3's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import reference
from ..mistake_models import Case, computed, rearranged
from . import Answer, from_reference

sigmoid = reference.sigmoid


def _logit(a):
    return np.log(a) - np.log1p(-a)


def _probe_hidden_delta(args, kwargs, key):
    delta_next, W, a = (np.asarray(v) for v in args)
    return ("L = sum(delta_next * (sigmoid(z) @ W_next)) as a function of z (a = sigmoid(z))",
            lambda z: float(np.sum(delta_next * (sigmoid(z) @ W))), _logit(a))


def _probe_backprop(args, kwargs, key):
    x, t, weights, biases = args
    params = (weights, biases)[key[0]]
    layer = key[1]

    def E(v):
        ps = [list(weights), list(biases)]
        ps[key[0]][layer] = v
        o = reference.forward(x, ps[0], ps[1])[-1]
        return 0.5 * float(np.sum((t - o) ** 2))  # the per-neuron article, eq. (4)
    return "E = 1/2 sum (t - o)^2", E, np.array(params[layer], dtype=np.float64)


# a flipped sign or a factor 2 is found by its ratio (diagnose.common_ratio)
HIDDEN_DELTA_MODELS = (
    ("missing-derivative", computed(lambda d, W, a: d @ W.T)),
    ("derivative-of-preactivation", computed(lambda d, W, a: (d @ W.T) * sigmoid(a) * (1 - sigmoid(a)))),
    ("derivative-twice", computed(lambda d, W, a: (d @ W.T) * (a * (1 - a)) ** 2)),
    ("wrong-activation", computed(lambda d, W, a: (d @ W.T) * (1 - a * a))),
)


@dataclass(frozen=True)
class BackpropVariant:
    """``backprop`` with some mistakes made; every default is the right choice.

    A derivative is ``"from-output"`` (``a (1 - a)``, right), ``"none"`` (left out),
    ``"of-output"`` (``sigmoid(a) (1 - sigmoid(a))``: the formula applied to the output)
    or ``"squared"`` (applied twice).
    """

    output_derivative: str = "from-output"
    hidden_derivative: str = "from-output"
    weight_gradient_transposed: bool = False
    layers_in_backward_order: bool = False

    def derivative(self, a, how):
        return {"from-output": a * (1 - a), "none": np.ones_like(a),
                "of-output": sigmoid(a) * (1 - sigmoid(a)), "squared": (a * (1 - a)) ** 2}[how]

    def __call__(self, case: Case):
        x, t, weights, biases = case.args
        acts = reference.forward(x, weights, biases)
        L = len(weights)
        gW, gb = [None] * L, [None] * L
        delta = (acts[-1] - t) * self.derivative(acts[-1], self.output_derivative)
        for l in range(L - 1, -1, -1):
            gW[l] = np.outer(delta, acts[l]) if self.weight_gradient_transposed else np.outer(acts[l], delta)
            gb[l] = delta
            if l > 0:
                delta = (delta @ weights[l].T) * self.derivative(acts[l], self.hidden_derivative)
        if self.layers_in_backward_order:
            gW, gb = gW[::-1], gb[::-1]
        return gW, gb


BACKPROP_MODELS = (
    ("missing-derivative", BackpropVariant(output_derivative="none")),
    ("missing-derivative", BackpropVariant(hidden_derivative="none")),
    ("missing-derivative", BackpropVariant(output_derivative="none", hidden_derivative="none")),
    ("derivative-of-preactivation", BackpropVariant(output_derivative="of-output", hidden_derivative="of-output")),
    ("derivative-of-preactivation", BackpropVariant(hidden_derivative="of-output")),
    ("derivative-twice", BackpropVariant(hidden_derivative="squared")),
    ("transpose", BackpropVariant(weight_gradient_transposed=True)),
    ("layer-order", BackpropVariant(layers_in_backward_order=True)),
    ("layer-order", BackpropVariant(layers_in_backward_order=True, weight_gradient_transposed=True)),
    ("wrong-count", rearranged(lambda e: e[0])),  # only grads_W returned
)

HIDDEN_DELTA_HINTS = {
    "sign": ("Your values have the right size but the opposite sign. The classic cause: the per-neuron article "
             "defines its local gradient as δ = −∂E/∂s (eq. (19)), the opposite of this course's δ = ∂E/∂z, "
             "and its recursion (eq. (34)) carries that sign from layer to layer.",
             "With δ = ∂E/∂z nothing here has a minus sign: `delta_next` times `W_next.T`, times the slope "
             "a (1 − a). Check each minus sign you wrote."),
    "transpose": "`W_next` has shape (n, n_next): a row per neuron of this layer, a column per neuron of the "
                 "next. `delta_next` has n_next entries per example, so it meets `W_next` through its transpose: "
                 "`delta_next @ W_next.T` has n entries per example, one per neuron of this layer (the per-neuron "
                 "article, eq. (34): Σ_k δ_k w_jk).",
    "missing-derivative": ("Your values are `delta_next @ W_next.T`, which is ∂E/∂a: the gradient has reached "
                           "this layer's outputs but not yet its pre-activations z.",
                           "Multiply elementwise by `a * (1 - a)`, the sigmoid's slope at this layer (the f'(s_j) "
                           "of the per-neuron article, eq. (34))."),
    "derivative-of-preactivation": ("`a` is already this layer's output σ(z), and you applied σ to it again: "
                                    "σ(a)(1 − σ(a)) is not σ'(z).",
                                    "Use `a` directly: multiply by `a * (1 - a)`."),
    "derivative-twice": "Multiply `delta_next @ W_next.T` by `a * (1 - a)` once: `delta_next` already carries the "
                        "next layer's slope.",
    "wrong-activation": "The hidden units are sigmoids: their slope is a (1 − a); 1 − a² belongs to tanh.",
    "factor-2": "δ = (delta_next @ W_next.T) ⊙ a (1 − a) has no factor 2: nothing is squared here.",
    "constant-factor": "δ = (delta_next @ W_next.T) ⊙ a (1 − a) has no constant in front.",
    "missing-1/N": ("Your values were multiplied by the number of rows of `delta_next`.",
                    "δ belongs to one example: each row of `delta_next` gives its own row of δ."),
    "extra-1/N": ("Your values were divided by the number of rows of `delta_next`.",
                  "δ belongs to one example: each row of `delta_next` gives its own row of δ, and nothing is "
                  "averaged here."),
}

BACKPROP_HINTS = {
    "sign": ("Your values have the right size but the opposite sign. The classic cause: the per-neuron article "
             "defines its local gradient as δ = −∂E/∂s (eq. (19)) and its error as e = t − o (eq. (3)), the "
             "opposite of this course's δ = ∂E/∂z.",
             "Start from δ = (o − t) o (1 − o) at the output (not t − o) and keep every later step free of minus "
             "signs: the function returns gradients, not update steps."),
    "missing-derivative": "Every layer's δ needs its sigmoid's slope: at the output δ = (o − t) o (1 − o), and for "
                          "the layer below `(delta @ weights[l].T) * a * (1 - a)`, where `a` is the activation "
                          "that `weights[l]` multiplies in the forward pass.",
    "derivative-of-preactivation": "The activations stored by the forward pass are outputs already: multiply by "
                                   "`a * (1 - a)`, not by σ(a)(1 − σ(a)).",
    "derivative-twice": "Multiply by a layer's slope a (1 − a) once, when δ goes back through that layer: the "
                        "`delta` coming from above already includes the slopes of the layers above.",
    "transpose": "`grads_W[l]` has the shape of `weights[l]`, (inputs, outputs): `np.outer(a, delta)`, with `a` "
                 "the activation that `weights[l]` multiplies; δ goes back to the layer below through "
                 "`weights[l].T`.",
    "wrong-count": "Return two lists, `return grads_W, grads_b`, shaped like `weights` and `biases`.",
    "wrong-type": "Return a tuple of two lists of arrays, `return grads_W, grads_b`: `grads_W[l]` shaped like "
                  "`weights[l]`, `grads_b[l]` like `biases[l]`.",
    "factor-2": "E = ½ Σ (t − o)²: its ½ cancels the 2 that differentiating the square brings, so the output δ "
                "starts from o − t, with no 2.",
    "constant-factor": "Compare each factor with the per-neuron article: δ_k = (o_k − t_k) f'(s_k) at the output "
                       "(with this course's sign, eq. (23)), δ_j = f'(s_j) Σ_k δ_k w_jk below (eq. (34)); "
                       "no constant appears.",
}

ANSWERS = {
    "hidden_delta": Answer(from_reference("hidden_delta"), probe=_probe_hidden_delta, models=HIDDEN_DELTA_MODELS,
                           hints=HIDDEN_DELTA_HINTS),
    "backprop": Answer(from_reference("backprop"), probe=_probe_backprop, models=BACKPROP_MODELS,
                       hints=BACKPROP_HINTS),
}
