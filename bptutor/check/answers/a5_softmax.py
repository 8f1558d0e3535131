"""Assignment a5's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

import numpy as np

from ... import reference
from ..mistake_models import computed, flipped
from . import Answer, from_reference

softmax = reference.softmax


def _probe_softmax_backward(args, kwargs, key):
    S, dS = (np.asarray(v) for v in args)
    return ("L = sum(dS * softmax(Z)) as a function of Z (S = softmax(Z))",
            lambda Z: float(np.sum(dS * softmax(Z))), np.log(S))


def _probe_softmax_ce(args, kwargs, key):
    Z, Y = (np.asarray(v) for v in args)
    return ("L = cross_entropy(softmax(Z), Y)",
            lambda v: reference.softmax_cross_entropy(v, Y), Z.copy())


def _softmax_over_columns(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _softmax_over_everything(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum()


def _max_over_columns(Z):
    with np.errstate(all="ignore"):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)


def _log_of_labels(S, Y):
    with np.errstate(all="ignore"):
        return -np.sum(S * np.log(Y)) / S.shape[0]


SOFTMAX_MODELS = (
    ("wrong-axis", computed(_softmax_over_columns)),
    ("wrong-axis", computed(_softmax_over_everything)),
    ("wrong-axis", computed(_max_over_columns)),
)

SOFTMAX_BACKWARD_MODELS = (
    ("wrong-axis", computed(lambda S, dS: S * (dS - np.sum(S * dS, axis=0, keepdims=True)))),
    ("wrong-axis", computed(lambda S, dS: S * (dS - np.sum(S * dS)))),
    ("diagonal-jacobian", computed(lambda S, dS: S * (1 - S) * dS)),
    ("sign", flipped),
    ("missing-upstream", computed(lambda S, dS: S * (1 - np.sum(S, axis=1, keepdims=True)))),
)

CROSS_ENTROPY_MODELS = (
    ("missing-1/N", computed(lambda S, Y: -np.sum(Y * np.log(S)))),
    ("sign", flipped),
    ("mean-over-all-entries", computed(lambda S, Y: -np.mean(Y * np.log(S)))),
    ("swapped-arguments", computed(_log_of_labels)),
)

SOFTMAX_CE_BACKWARD_MODELS = (
    ("missing-1/N", computed(lambda Z, Y: softmax(Z) - Y)),
    ("sign", flipped),
    ("wrong-axis", computed(lambda Z, Y: (_softmax_over_columns(Z) - Y) / Z.shape[0])),
    ("extra-1/N", computed(lambda Z, Y: (softmax(Z) - Y) / Z.size)),
)

ANSWERS = {
    "softmax": Answer(from_reference("softmax"), models=SOFTMAX_MODELS),
    "softmax_backward": Answer(from_reference("softmax_backward"), probe=_probe_softmax_backward,
                               models=SOFTMAX_BACKWARD_MODELS),
    "cross_entropy": Answer(from_reference("cross_entropy"), models=CROSS_ENTROPY_MODELS),
    "softmax_cross_entropy_backward": Answer(from_reference("softmax_cross_entropy_backward"),
                                             probe=_probe_softmax_ce, models=SOFTMAX_CE_BACKWARD_MODELS),
}
