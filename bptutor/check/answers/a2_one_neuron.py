"""Assignment a2's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

import numpy as np

from ... import reference
from ..mistake_models import computed
from . import Answer, from_reference

sigmoid = reference.sigmoid


def _logit(a):
    return np.log(a) - np.log1p(-a)


def _probe_output_delta(args, kwargs, key):
    o, t = np.asarray(args[0]), np.asarray(args[1])
    return ("E = 1/2 sum (t - o)^2 as a function of z (o = sigmoid(z))",
            lambda z: 0.5 * float(np.sum((t - sigmoid(z)) ** 2)), _logit(o))


def _probe_weight_gradient(args, kwargs, key):
    a_prev, delta = np.asarray(args[0]), np.asarray(args[1])
    return ("L = sum(delta * (a_prev @ W)) as a function of W",
            lambda W: float(np.sum(delta * (a_prev @ W))), np.zeros((a_prev.size, delta.size)))


SIGMOID_MODELS = (
    ("sign", computed(lambda z: sigmoid(-np.asarray(z, dtype=np.float64)))),
    ("wrong-activation", computed(np.tanh)),
)

# a flipped sign, a factor 2 and a sum where a mean belongs are found by their ratio (diagnose.common_ratio)
SIGMOID_PRIME_MODELS = (
    ("derivative-of-preactivation", computed(lambda a: sigmoid(a) * (1 - sigmoid(a)))),
    ("wrong-activation", computed(lambda a: 1 - a * a)),
    ("derivative-twice", computed(lambda a: (a * (1 - a)) ** 2)),
    ("missing-derivative", computed(lambda a: a)),
)

TANH_PRIME_MODELS = (
    ("derivative-of-preactivation", computed(lambda a: 1 - np.tanh(a) ** 2)),
    ("wrong-activation", computed(lambda a: a * (1 - a))),
    ("derivative-twice", computed(lambda a: (1 - a * a) ** 2)),
)

OUTPUT_DELTA_MODELS = (
    ("missing-derivative", computed(lambda o, t: o - t)),
    ("missing-derivative", computed(lambda o, t: t - o)),
    ("derivative-of-preactivation", computed(lambda o, t: (o - t) * sigmoid(o) * (1 - sigmoid(o)))),
    ("derivative-twice", computed(lambda o, t: (o - t) * (o * (1 - o)) ** 2)),
    ("wrong-activation", computed(lambda o, t: (o - t) * (1 - o * o))),
    ("extra-1/N", computed(lambda o, t: (o - t) * o * (1 - o) / o.shape[0])),
)

WEIGHT_GRADIENT_MODELS = (
    ("transpose", computed(lambda a, d: np.outer(d, a))),
    ("derivative-twice", computed(lambda a, d: np.outer(a * (1 - a), d))),
)

SIGMOID_HINTS = {
    "sign": ("Your values are σ(−z) = 1 − σ(z): the sign inside exp is flipped.",
             "σ(z) = 1 / (1 + exp(−z)): close to 1 for large positive `z`, close to 0 for large negative `z`."),
    "wrong-activation": ("Your values are tanh(z), which runs from −1 to 1; the sigmoid runs from 0 to 1.",
                         "σ(z) = 1 / (1 + exp(−z)); tanh is the other activation of the course."),
    "overflow": "For `z` = −1000, exp(−z) overflows. exp(−|z|) never does: σ(z) = 1 / (1 + exp(−|z|)) where "
                "z ≥ 0 and exp(−|z|) / (1 + exp(−|z|)) where z < 0. `np.where` evaluates both branches for "
                "every entry, so each branch must be safe on its own; (1 + tanh(z / 2)) / 2 is another safe form.",
    "scalar-math": "Use `np.exp(-z)`, which works on numbers and arrays alike; `math.exp` accepts one number.",
}

SIGMOID_PRIME_HINTS = {
    "derivative-of-preactivation": ("`a` is already the sigmoid's output σ(z), and you applied σ to it again: "
                                    "σ(a)(1 − σ(a)) is not σ'(z).",
                                    "Use `a` directly: σ'(z) = a (1 − a) (the per-neuron article, eq. (15))."),
    "wrong-activation": ("Your values are 1 − a², the derivative of tanh.",
                         "For the sigmoid, σ'(z) = a (1 − a) (the per-neuron article, eq. (15)); 1 − a² belongs "
                         "to tanh (eq. (14))."),
    "sign": "a (1 − a), not a (a − 1): for `a` between 0 and 1 the sigmoid's slope is positive.",
    "derivative-twice": ("Your values are (a (1 − a))²: the slope multiplied by itself.",
                         "Return a (1 − a), once."),
    "missing-derivative": ("Your values are `a` itself: the factor (1 − a) is missing.",
                           "σ'(z) = a (1 − a) (the per-neuron article, eq. (15))."),
    "factor-2": "σ'(z) = a (1 − a) has no factor in front: a 2 comes from differentiating a square, and there "
                "is no square here.",
    "constant-factor": "σ'(z) = a (1 − a) has no constant in front.",
}

TANH_PRIME_HINTS = {
    "derivative-of-preactivation": ("`a` is already tanh's output, and you applied tanh to it again: "
                                    "1 − tanh(a)² is not tanh'(z).",
                                    "Use `a` directly: tanh'(z) = 1 − a² (the per-neuron article, eq. (14))."),
    "wrong-activation": ("Your values are a (1 − a), the derivative of the sigmoid.",
                         "For tanh, tanh'(z) = 1 − a² (the per-neuron article, eq. (14)); a (1 − a) belongs to "
                         "the sigmoid (eq. (15))."),
    "sign": "1 − a², not a² − 1: tanh's slope is positive everywhere.",
    "derivative-twice": ("Your values are (1 − a²)²: the slope multiplied by itself.", "Return 1 − a², once."),
    "mutated-input": ("Your function changed `a`, the array it was given (e.g. with `a **= 2`).",
                      "Write `1 - a**2` or `1 - a * a`, which make a new array; `**=` and `*=` overwrite the "
                      "caller's `a`."),
    "factor-2": "tanh'(z) = 1 − a² has no factor 2.",
    "constant-factor": "tanh'(z) = 1 − a² has no constant in front.",
}

OUTPUT_DELTA_HINTS = {
    "sign": ("Your values have the right size but the opposite sign. The classic cause: the per-neuron article "
             "defines its local gradient as δ = −∂E/∂s (eq. (19)) and its error as e = t − o (eq. (3)), so its "
             "δ = e f'(s) (eq. (23)) is minus this course's δ = ∂E/∂z.",
             "For E = ½ Σ (t − o)², ∂E/∂o = o − t (not t − o); then multiply by the sigmoid's slope o (1 − o)."),
    "missing-derivative": ("Your values are o − t (or t − o): that is ∂E/∂o, not yet δ = ∂E/∂z.",
                           "δ = ∂E/∂o · ∂o/∂z: multiply by the sigmoid's slope o (1 − o) (the per-neuron "
                           "article, eqs. (15) and (23))."),
    "derivative-of-preactivation": ("`o` is already the sigmoid's output, and you applied σ to it again: "
                                    "σ(o)(1 − σ(o)) is not σ'(z).",
                                    "Use `o` directly: ∂o/∂z = o (1 − o)."),
    "derivative-twice": "Multiply o − t by the slope o (1 − o), once.",
    "wrong-activation": "The output unit is a sigmoid: its slope is o (1 − o); 1 − o² belongs to tanh.",
    "factor-2": "E = ½ Σ (t − o)²: the ½ cancels the 2 that differentiating the square brings, so ∂E/∂o = "
                "o − t, with no 2 and no ½.",
    "extra-1/N": ("Your values were divided by the number of rows (or entries) of `o`.",
                  "δ belongs to one example: each row of `o` gives its own row of δ, and nothing is averaged "
                  "here."),
    "missing-1/N": ("Your values were multiplied by the number of rows of `o`.",
                    "δ belongs to one example: each row of `o` gives its own row of δ."),
    "constant-factor": "δ = (o − t) o (1 − o) has no constant in front.",
}

WEIGHT_GRADIENT_HINTS = {
    "transpose": "∂E/∂W has the shape of W, (len(a_prev), len(delta)): `np.outer(a_prev, delta)`, with one row "
                 "per entry of `a_prev` (the weights leaving one input) and one column per entry of `delta`.",
    "sign": ("Your values have the right size but the opposite sign. The per-neuron article writes the update "
             "Δw = η δ y (eq. (22)) with its own δ = −∂E/∂s; this function returns the gradient ∂E/∂W, which "
             "the update subtracts.",
             "Return +outer(a_prev, delta): the gradient, not the update step."),
    "derivative-twice": "`delta` already contains the activation's slope; `a_prev` enters as it is, without "
                        "a factor a_prev (1 − a_prev).",
    "factor-2": "∂E/∂w_ij = a_prev_i · delta_j, with no factor 2 (the per-neuron article, eq. (16): the "
                "derivative of s_j with respect to w_ij is y_i).",
    "broadcast": ("`a_prev * delta` multiplies entry by entry, which only runs when both have the same length "
                  "(and then gives a vector, not a matrix).",
                  "Each weight w_ij connects input i to output j, so the gradient is the table of all products "
                  "a_prev_i · delta_j: `np.outer(a_prev, delta)`, shape (len(a_prev), len(delta))."),
    "constant-factor": "∂E/∂w_ij = a_prev_i · delta_j has no constant in front.",
}

ANSWERS = {
    "sigmoid": Answer(from_reference("sigmoid"), models=SIGMOID_MODELS, hints=SIGMOID_HINTS),
    "sigmoid_prime_from_output": Answer(from_reference("sigmoid_prime_from_output"), models=SIGMOID_PRIME_MODELS,
                                        hints=SIGMOID_PRIME_HINTS),
    "tanh_prime_from_output": Answer(from_reference("tanh_prime_from_output"), models=TANH_PRIME_MODELS,
                                     hints=TANH_PRIME_HINTS),
    "output_delta": Answer(from_reference("output_delta"), probe=_probe_output_delta, models=OUTPUT_DELTA_MODELS,
                           hints=OUTPUT_DELTA_HINTS),
    "weight_gradient": Answer(from_reference("weight_gradient"), probe=_probe_weight_gradient,
                              models=WEIGHT_GRADIENT_MODELS, hints=WEIGHT_GRADIENT_HINTS),
}
