"""Assignment a5's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

import numpy as np

from ... import reference
from ..mistake_models import computed
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
    ("missing-upstream", computed(lambda S, dS: S * (1 - np.sum(S, axis=1, keepdims=True)))),
)

CROSS_ENTROPY_MODELS = (
    ("missing-1/N", computed(lambda S, Y: -np.sum(Y * np.log(S)))),
    ("mean-over-all-entries", computed(lambda S, Y: -np.mean(Y * np.log(S)))),
    ("swapped-arguments", computed(_log_of_labels)),
)

SOFTMAX_CE_BACKWARD_MODELS = (
    ("missing-1/N", computed(lambda Z, Y: softmax(Z) - Y)),
    ("wrong-axis", computed(lambda Z, Y: (_softmax_over_columns(Z) - Y) / Z.shape[0])),
    ("extra-1/N", computed(lambda Z, Y: (softmax(Z) - Y) / Z.size)),
)

SOFTMAX_HINTS = {
    "wrong-axis": "Rows are examples: subtract each row's maximum and divide by each row's sum (`axis=1, "
                  "keepdims=True`), so that every row of the result sums to 1.",
    "overflow": "Subtract each row's maximum before exp, `Z - Z.max(axis=1, keepdims=True)`: the largest "
                "exponent is then 0, and the softmax is unchanged, since adding the same number to every logit "
                "of a row changes nothing.",
    "mutated-input": ("Your function changed `Z`, the array it was given (e.g. with `Z -= ...`).",
                      "Write `Z = Z - Z.max(axis=1, keepdims=True)`, which makes a new array."),
    "wrong-type": "Return a plain NumPy array; `np.asmatrix` and `np.matrix` make a different type.",
}

SOFTMAX_BACKWARD_HINTS = {
    "wrong-axis": "The sum runs within each example: `np.sum(S * dS, axis=1, keepdims=True)`, one number per row "
                  "of `S` (the handbook chapter, Example 4).",
    "sign": "`S * (dS - np.sum(S * dS, axis=1, keepdims=True))`: `dS` first, the row sum subtracted from it.",
    "missing-upstream": ("Your result does not use `dS`, the upstream gradient (the gradient with respect to the "
                         "softmax's output).",
                         "Every term carries `dS`: S ⊙ (dS − Σ_cols(S ⊙ dS)) (the handbook chapter, Example 4)."),
    "broadcast": ("Without `keepdims=True`, `np.sum(S * dS, axis=1)` has shape (N,), and NumPy lines it up with "
                  "the columns of `dS`, not with its rows.",
                  "Keep the row sums as a column, shape (N, 1): `np.sum(S * dS, axis=1, keepdims=True)`."),
    "factor-2": "S ⊙ (dS − Σ_cols(S ⊙ dS)) has no factor 2.",
    "constant-factor": "S ⊙ (dS − Σ_cols(S ⊙ dS)) has no constant in front.",
}

CROSS_ENTROPY_HINTS = {
    "missing-1/N": "The loss is a mean over the N examples, the rows of `S`: `-np.sum(Y * np.log(S)) / N`.",
    "extra-1/N": "Divide by N, the number of rows of `S`, once.",
    "sign": ("log S is negative for probabilities below 1, so Σ Y log S is negative; the loss has a minus in "
             "front to make it positive.",
             "−(1/N) Σ Y ⊙ log S."),
    "swapped-arguments": ("Your value matches the logarithm of the labels: `S` holds the probabilities and `Y` "
                          "the one-hot labels, and log Y is −inf wherever Y is 0.",
                          "Take the log of `S`: −(1/N) Σ Y ⊙ log S."),
    "wrong-shape": "Return one number, the mean over the examples: sum over the classes and over the rows, then "
                   "divide by N.",
    "factor-2": "−(1/N) Σ Y ⊙ log S has no factor 2 and no ½.",
    "constant-factor": "−(1/N) Σ Y ⊙ log S has no other constant than 1/N.",
}

SOFTMAX_CE_BACKWARD_HINTS = {
    "missing-1/N": "The loss is a mean over the N rows of `Z`, so its gradient is (softmax(Z) − Y) / N.",
    "extra-1/N": "Divide by N, the number of rows of `Z` (the examples), not by `Z.size` = N · C.",
    "sign": "softmax(Z) − Y, not Y − softmax(Z): the gradient grows with the probability the softmax gives.",
    "wrong-axis": "The softmax normalises each row of `Z` (`axis=1`): each example's probabilities sum to 1.",
    "overflow": "Compute the softmax stably: subtract each row's maximum from `Z` before exp.",
    "wrong-type": "Return one NumPy array shaped like `Z`, not a generator of rows.",
    "factor-2": "(softmax(Z) − Y) / N has no factor 2 and no ½.",
    "constant-factor": "(softmax(Z) − Y) / N has no other constant than 1/N.",
}

ANSWERS = {
    "softmax": Answer(from_reference("softmax"), models=SOFTMAX_MODELS, hints=SOFTMAX_HINTS),
    "softmax_backward": Answer(from_reference("softmax_backward"), probe=_probe_softmax_backward,
                               models=SOFTMAX_BACKWARD_MODELS, hints=SOFTMAX_BACKWARD_HINTS),
    "cross_entropy": Answer(from_reference("cross_entropy"), models=CROSS_ENTROPY_MODELS, hints=CROSS_ENTROPY_HINTS),
    "softmax_cross_entropy_backward": Answer(from_reference("softmax_cross_entropy_backward"),
                                             probe=_probe_softmax_ce, models=SOFTMAX_CE_BACKWARD_MODELS,
                                             hints=SOFTMAX_CE_BACKWARD_HINTS),
}
