"""Losses (energies) and the softmax output layer.

Course notation: ``e = t - o``, ``E = 1/2 sum e^2`` for one example (the per-neuron article,
eqs. 3-4); for a batch of N rows the mean over examples (the per-neuron article, eq. 6).
"""
from __future__ import annotations

import numpy as np

from .shapes import as_float_array, same_shape


def squared_error(o, t):
    """Energy ``E = 1/2 sum (t - o)^2`` (the per-neuron article, eq. 4); batch ``(N, K)``: mean over rows (eq. 6).

    ``o``, ``t``: shape ``(K,)`` for one example or ``(N, K)`` for a batch. Returns a float.
    """
    o = as_float_array("o", o, (1, 2))
    t = as_float_array("t", t, (1, 2))
    same_shape("o", o, "t", t)
    e = t - o  # the per-neuron article, eq. (3)
    if o.ndim == 1:
        return float(0.5 * np.sum(e * e))  # eq. (4)
    return float(0.5 * np.sum(e * e) / o.shape[0])  # eq. (6)


def binary_cross_entropy(p, y):
    """``-mean(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` (the handbook chapter's two-layer net).

    ``p``, ``y``: same shape, ``(N,)`` or ``(N, 1)``. Clips ``p`` to ``[1e-12, 1 - 1e-12]``.
    """
    p = as_float_array("p", p, (1, 2))
    y = as_float_array("y", y, (1, 2))
    same_shape("p", p, "y", y)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def softmax(Z):
    """Row-wise softmax of logits ``Z`` of shape ``(N, C)`` (a 1-D ``(C,)`` is one row).

    Subtracting each row's maximum first leaves the result unchanged and keeps
    ``exp`` from overflowing, so logits of +-1000 are fine.
    """
    Z = as_float_array("Z", Z, (1, 2))
    shifted = Z - Z.max(axis=-1, keepdims=True)
    E = np.exp(shifted)
    return E / E.sum(axis=-1, keepdims=True)


def softmax_backward(S, dS):
    """Gradient through a row-wise softmax (the handbook chapter, Example 4).

    ``S``: softmax outputs ``(N, C)``; ``dS``: upstream gradient ``dL/dS``, same shape.
    Returns ``dL/dZ = S * (dS - sum_cols(S * dS))``, shape ``(N, C)``. This is the
    softmax Jacobian ``diag(s) - s s^T`` applied row by row without building it.
    """
    S = as_float_array("S", S, (1, 2))
    dS = as_float_array("dS", dS, (1, 2))
    same_shape("S", S, "dS", dS)
    return S * (dS - np.sum(S * dS, axis=-1, keepdims=True))


def cross_entropy(S, Y):
    """Mean cross-entropy ``-1/N sum Y * log S`` for probabilities ``S`` and one-hot ``Y``, ``(N, C)``.

    Returns a float. Entries of ``S`` are clipped below at 1e-300 so a zero
    probability gives a large finite loss instead of ``inf``.
    """
    S = as_float_array("S", S, 2)
    Y = as_float_array("Y", Y, 2)
    same_shape("S", S, "Y", Y)
    return float(-np.sum(Y * np.log(np.maximum(S, 1e-300))) / S.shape[0])


def softmax_cross_entropy(Z, Y):
    """Cross-entropy of ``softmax(Z)`` against one-hot ``Y``, computed stably via log-sum-exp."""
    Z = as_float_array("Z", Z, 2)
    Y = as_float_array("Y", Y, 2)
    same_shape("Z", Z, "Y", Y)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_S = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_S) / Z.shape[0])


def softmax_cross_entropy_backward(Z, Y):
    """``dL/dZ`` for ``L = cross_entropy(softmax(Z), Y)``: ``(softmax(Z) - Y) / N``.

    ``Z``, ``Y``: shape ``(N, C)``; ``Y`` one-hot. The softmax Jacobian and the
    cross-entropy gradient ``-Y / (N S)`` collapse to this (lesson 06).
    """
    Z = as_float_array("Z", Z, 2)
    Y = as_float_array("Y", Y, 2)
    same_shape("Z", Z, "Y", Y)
    return (softmax(Z) - Y) / Z.shape[0]


def one_hot(y, num_classes: int):
    """Integer labels ``(N,)`` -> one-hot matrix ``(N, num_classes)``."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels; got dtype {y.dtype}, shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}); got range [{y.min()}, {y.max()}]")
    Y = np.zeros((y.shape[0], num_classes))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y
