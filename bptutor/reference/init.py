"""Weight initialisation: step 1 of the per-neuron article's procedure, and the rules lesson 07 compares.

The per-neuron article asks for "small random values" and quotes a rule from its reference [3]:
``w_ij`` uniform in ``[-1/(2L), 1/(2L)]`` with ``L`` the number of neurons in the
previous layer, plus one for the formal bias input (so ``L = n_in + 1``). The text
was extracted from a PDF and may have lost a square root -- common fan-in rules
scale with ``1/sqrt(L)`` -- so both readings are here and the lessons let the
numbers decide. Too small is slow, too large saturates the sigmoids ("network
paralysis"), all zeros never breaks the symmetry between hidden units.

Every function returns ``(W, b)`` with ``W`` of shape ``(n_in, n_out)`` and ``b`` of
shape ``(n_out,)``, float64. In the per-neuron article the bias is the weight ``w_0j`` of the
formal input ``y_0 = 1`` (eq. 1), so the two seed-000 rules draw it like any
other weight; the zero and scaled-normal rules leave biases at zero.
"""
from __future__ import annotations

import numbers

import numpy as np

#: the names accepted by :func:`init_layer` (a positive float is also accepted)
RULES = ("seed000", "sqrt", "zeros")


def _check_sizes(n_in, n_out):
    for name, n in (("n_in", n_in), ("n_out", n_out)):
        if not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"{name} must be a positive integer (a number of neurons); got {n!r}")
    return int(n_in), int(n_out)


def as_rng(rng=None):
    """A NumPy ``Generator`` from ``rng``: a Generator (returned as is), an int seed, or None (seed 0).

    Every function here and :class:`bptutor.reference.layers.Dense` take their ``rng`` through it.
    """
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral):
        return np.random.default_rng(int(rng))
    raise ValueError(f"rng must be a numpy Generator, an integer seed or None; got {type(rng).__name__}")


def uniform_seed000(n_in, n_out, rng=None):
    """The per-neuron article, step 1, as the text reads: uniform in ``[-1/(2L), 1/(2L)]``, ``L = n_in + 1``.

    Returns ``(W, b)``: ``(n_in, n_out)`` and ``(n_out,)``. ``rng``: Generator, int seed or None (seed 0).
    """
    n_in, n_out = _check_sizes(n_in, n_out)
    rng = as_rng(rng)
    r = 1.0 / (2.0 * (n_in + 1))  # the per-neuron article, step 1: L = fan-in + 1 for the formal input
    W = rng.uniform(-r, r, size=(n_in, n_out))
    b = rng.uniform(-r, r, size=n_out)  # the bias is w_0j (eq. 1)
    return W, b


def uniform_sqrt(n_in, n_out, rng=None):
    """The per-neuron article's rule read with a square root: uniform in ``[-1/sqrt(L), 1/sqrt(L)]``.

    ``L = n_in + 1``.

    Returns ``(W, b)``: ``(n_in, n_out)`` and ``(n_out,)``.
    """
    n_in, n_out = _check_sizes(n_in, n_out)
    rng = as_rng(rng)
    r = 1.0 / np.sqrt(n_in + 1)
    W = rng.uniform(-r, r, size=(n_in, n_out))
    b = rng.uniform(-r, r, size=n_out)
    return W, b


def zeros(n_in, n_out, rng=None):
    """All-zero weights and biases (lesson 07: every hidden unit stays identical). ``rng`` is ignored."""
    n_in, n_out = _check_sizes(n_in, n_out)
    return np.zeros((n_in, n_out)), np.zeros(n_out)


def scaled_normal(n_in, n_out, scale, rng=None):
    """Weights ``scale * N(0, 1)``, zero biases. ``scale`` > 0; large values saturate sigmoids.

    Returns ``(W, b)``: ``(n_in, n_out)`` and ``(n_out,)``.
    """
    n_in, n_out = _check_sizes(n_in, n_out)
    scale = float(scale)
    if not scale > 0:
        raise ValueError(f"scale must be a positive number; got {scale}")
    rng = as_rng(rng)
    return scale * rng.standard_normal((n_in, n_out)), np.zeros(n_out)


def init_layer(n_in, n_out, rule="sqrt", rng=None):
    """Initialise one layer by rule name: ``"seed000"``, ``"sqrt"``, ``"zeros"``, or a float ``scale``.

    Returns ``(W, b)``: ``(n_in, n_out)`` and ``(n_out,)``.
    """
    if isinstance(rule, numbers.Real) and not isinstance(rule, bool):
        return scaled_normal(n_in, n_out, rule, rng)
    if rule == "seed000":
        return uniform_seed000(n_in, n_out, rng)
    if rule == "sqrt":
        return uniform_sqrt(n_in, n_out, rng)
    if rule == "zeros":
        return zeros(n_in, n_out)
    raise ValueError(f"unknown init {rule!r}; choose one of {list(RULES)} or a positive float scale")


def init_network(sizes, rule="sqrt", rng=None):
    """Weights and biases for a net with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    Returns ``(weights, biases)``: lists of ``(n_{l-1}, n_l)`` and ``(n_l,)`` arrays.
    One generator is used for all layers, so the result depends only on ``rng``.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size; got {sizes}")
    rng = as_rng(rng)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W, b = init_layer(n_in, n_out, rule, rng)
        weights.append(W)
        biases.append(b)
    return weights, biases


__all__ = ["RULES", "as_rng", "uniform_seed000", "uniform_sqrt", "zeros", "scaled_normal", "init_layer",
           "init_network"]
