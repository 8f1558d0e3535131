"""Assignment a3's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import reference
from ...reference.backprop import forward
from ..mistake_models import Case, computed, flipped, rearranged, scaled
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
        o = forward(x, ps[0], ps[1])[-1]
        return 0.5 * float(np.sum((t - o) ** 2))  # the per-neuron article, eq. (4)
    return "E = 1/2 sum (t - o)^2", E, np.array(params[layer], dtype=np.float64)


HIDDEN_DELTA_MODELS = (
    ("sign", flipped),
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
    sign: float = 1.0

    def derivative(self, a, how):
        return {"from-output": a * (1 - a), "none": np.ones_like(a),
                "of-output": sigmoid(a) * (1 - sigmoid(a)), "squared": (a * (1 - a)) ** 2}[how]

    def __call__(self, case: Case):
        x, t, weights, biases = case.args
        acts = forward(x, weights, biases)
        L = len(weights)
        gW, gb = [None] * L, [None] * L
        delta = (acts[-1] - t) * self.derivative(acts[-1], self.output_derivative)
        for l in range(L - 1, -1, -1):
            gW[l] = np.outer(delta, acts[l]) if self.weight_gradient_transposed else np.outer(acts[l], delta)
            gb[l] = delta
            if l > 0:
                delta = (delta @ weights[l].T) * self.derivative(acts[l], self.hidden_derivative)
        gW = [self.sign * g for g in gW]
        gb = [self.sign * g for g in gb]
        if self.layers_in_backward_order:
            gW, gb = gW[::-1], gb[::-1]
        return gW, gb


BACKPROP_MODELS = (
    ("sign", flipped),
    ("missing-derivative", BackpropVariant(output_derivative="none")),
    ("missing-derivative", BackpropVariant(hidden_derivative="none")),
    ("missing-derivative", BackpropVariant(output_derivative="none", hidden_derivative="none")),
    ("derivative-of-preactivation", BackpropVariant(output_derivative="of-output", hidden_derivative="of-output")),
    ("derivative-of-preactivation", BackpropVariant(hidden_derivative="of-output")),
    ("derivative-twice", BackpropVariant(hidden_derivative="squared")),
    ("transpose", BackpropVariant(weight_gradient_transposed=True)),
    ("layer-order", BackpropVariant(layers_in_backward_order=True)),
    ("layer-order", BackpropVariant(layers_in_backward_order=True, weight_gradient_transposed=True)),
    ("sign", BackpropVariant(sign=-1.0)),
    ("wrong-count", rearranged(lambda e: e[0])),  # only grads_W returned
    ("factor-2", scaled(2.0)),
)

ANSWERS = {
    "hidden_delta": Answer(from_reference("hidden_delta"), probe=_probe_hidden_delta, models=HIDDEN_DELTA_MODELS),
    "backprop": Answer(from_reference("backprop"), probe=_probe_backprop, models=BACKPROP_MODELS),
}
