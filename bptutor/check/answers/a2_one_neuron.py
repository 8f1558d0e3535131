"""Assignment a2's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

import numpy as np

from ... import reference
from ..mistake_models import computed, flipped, scaled
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

SIGMOID_PRIME_MODELS = (
    ("derivative-of-preactivation", computed(lambda a: sigmoid(a) * (1 - sigmoid(a)))),
    ("wrong-activation", computed(lambda a: 1 - a * a)),
    ("sign", flipped),
    ("derivative-twice", computed(lambda a: (a * (1 - a)) ** 2)),
    ("missing-derivative", computed(lambda a: a)),
)

TANH_PRIME_MODELS = (
    ("derivative-of-preactivation", computed(lambda a: 1 - np.tanh(a) ** 2)),
    ("wrong-activation", computed(lambda a: a * (1 - a))),
    ("sign", flipped),
    ("derivative-twice", computed(lambda a: (1 - a * a) ** 2)),
)

OUTPUT_DELTA_MODELS = (
    ("sign", flipped),
    ("missing-derivative", computed(lambda o, t: o - t)),
    ("missing-derivative", computed(lambda o, t: t - o)),
    ("derivative-of-preactivation", computed(lambda o, t: (o - t) * sigmoid(o) * (1 - sigmoid(o)))),
    ("derivative-twice", computed(lambda o, t: (o - t) * (o * (1 - o)) ** 2)),
    ("wrong-activation", computed(lambda o, t: (o - t) * (1 - o * o))),
    ("factor-2", scaled(2.0)),
    ("factor-2", scaled(0.5)),
    ("extra-1/N", computed(lambda o, t: (o - t) * o * (1 - o) / o.shape[0])),
)

WEIGHT_GRADIENT_MODELS = (
    ("transpose", computed(lambda a, d: np.outer(d, a))),
    ("sign", flipped),
    ("derivative-twice", computed(lambda a, d: np.outer(a * (1 - a), d))),
    ("factor-2", scaled(2.0)),
)

ANSWERS = {
    "sigmoid": Answer(from_reference("sigmoid"), models=SIGMOID_MODELS),
    "sigmoid_prime_from_output": Answer(from_reference("sigmoid_prime_from_output"), models=SIGMOID_PRIME_MODELS),
    "tanh_prime_from_output": Answer(from_reference("tanh_prime_from_output"), models=TANH_PRIME_MODELS),
    "output_delta": Answer(from_reference("output_delta"), probe=_probe_output_delta, models=OUTPUT_DELTA_MODELS),
    "weight_gradient": Answer(from_reference("weight_gradient"), probe=_probe_weight_gradient,
                              models=WEIGHT_GRADIENT_MODELS),
}
