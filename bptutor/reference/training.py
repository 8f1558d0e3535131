"""Training a multilayer perceptron on digits (assignment a6, lesson 09).

A 64-H-10 network: sigmoid hidden layer, softmax output with cross-entropy,
mini-batch SGD in matrix form (seed 004's two-layer net with a softmax head).
"""
from __future__ import annotations

import numpy as np

from ._shapes import as_float_array
from .activations import sigmoid
from .losses import one_hot, softmax


def init_weights(n_in, n_out, rng):
    """Uniform in ``[-1/sqrt(n_in+1), 1/sqrt(n_in+1)]``: seed 000's fan-in rule (step 1, +1 for the bias)."""
    r = 1.0 / np.sqrt(n_in + 1)
    return rng.uniform(-r, r, size=(n_in, n_out))


def train_mlp(X, y, seed=0, hidden=100, epochs=30, batch_size=32, lr=0.5):
    """Train a 64-``hidden``-10 MLP with mini-batch SGD; return a ``predict(X) -> labels`` function.

    ``X``: ``(N, n_in)`` features (digits: pixels scaled to [0, 1]); ``y``: ``(N,)``
    integer labels ``0..C-1``. Deterministic for a given ``seed``.
    """
    X = as_float_array("X", X, 2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({X.shape[0]},); got dtype {y.dtype}, shape {y.shape}")
    n_classes = int(y.max()) + 1
    rng = np.random.default_rng(seed)
    W1 = init_weights(X.shape[1], hidden, rng)
    b1 = np.zeros(hidden)
    W2 = init_weights(hidden, n_classes, rng)
    b2 = np.zeros(n_classes)
    Y = one_hot(y, n_classes)
    N = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(N)  # seed 000, step 7: examples in random order
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            Xb, Yb = X[idx], Y[idx]
            A1 = sigmoid(Xb @ W1 + b1)
            S = softmax(A1 @ W2 + b2)
            dZ2 = (S - Yb) / len(idx)  # softmax + cross-entropy (lesson 06)
            dA1 = dZ2 @ W2.T
            dZ1 = dA1 * A1 * (1.0 - A1)
            W2 -= lr * (A1.T @ dZ2)
            b2 -= lr * dZ2.sum(axis=0)
            W1 -= lr * (Xb.T @ dZ1)
            b1 -= lr * dZ1.sum(axis=0)

    def predict(X_new):
        """Class labels ``(N,)`` for features ``X_new`` ``(N, n_in)``."""
        X_new = as_float_array("X", X_new, 2)
        return np.argmax(sigmoid(X_new @ W1 + b1) @ W2 + b2, axis=1)

    return predict
