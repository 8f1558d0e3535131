"""Building blocks for trial inputs: random networks, layer sizes, probabilities, labels.

Trusted only to make *inputs*; nothing here is a right answer. The sigmoid and
softmax below turn random numbers into plausible activations and probabilities and
do not depend on the reference implementations.
"""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """``1 / (1 + exp(-z))`` written as ``(1 + tanh(z/2)) / 2``: equal, and it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax(Z):
    """Row-wise softmax (rows are examples)."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def one_hot(rng, n, c):
    """``n`` random one-hot rows over ``c`` classes."""
    Y = np.zeros((n, c))
    Y[np.arange(n), rng.integers(0, c, size=n)] = 1.0
    return Y


def random_network(rng, sizes):
    """``(weights, biases)`` of a fully connected net: ``weights[l]`` ``(n_l, n_{l+1})``."""
    weights = [rng.normal(0.0, 0.8, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0.0, 0.5, size=b) for b in sizes[1:]]
    return weights, biases


def layer_sizes(rng, depth, lo=2, hi=6):
    """``depth + 1`` layer sizes in ``[lo, hi)`` with neighbours different, so a missing transpose cannot hide."""
    sizes = [int(rng.integers(lo, hi))]
    for _ in range(depth):
        n = int(rng.integers(lo, hi))
        while n == sizes[-1]:
            n = int(rng.integers(lo, hi))
        sizes.append(n)
    return sizes
