"""Backpropagation in matrix form for a batch (assignment a4; the Ng-notation guide and the handbook chapter).

Rows are examples: ``X`` is ``(N, n_in)``, a dense layer computes ``Z = X W + b``.
Each layer turns the gradient with respect to its output into the gradient with
respect to its input and parameters (the handbook chapter, "building blocks").
"""
from __future__ import annotations

import numpy as np

from .backprop import forward
from .shapes import as_float_array, check_network, require_shape, same_shape


def dense_forward(X, W, b):
    """``Z = X @ W + b``: ``X`` ``(N, n_in)``, ``W`` ``(n_in, n_out)``, ``b`` ``(n_out,)``; returns ``(N, n_out)``."""
    X = as_float_array("X", X, 2)
    W = as_float_array("W", W, 2)
    b = as_float_array("b", b, 1)
    require_shape("W", W, (X.shape[1], None), f"X has {X.shape[1]} columns")
    require_shape("b", b, (W.shape[1],), f"W has {W.shape[1]} columns")
    return X @ W + b


def dense_backward(dZ, X, W):
    """Backward pass of a dense layer (the handbook chapter, Examples 2-3).

    ``dZ``: upstream gradient ``(N, n_out)``; ``X``: the layer's input ``(N, n_in)``;
    ``W``: ``(n_in, n_out)``. Returns ``(dX, dW, db)`` with shapes ``(N, n_in)``,
    ``(n_in, n_out)``, ``(n_out,)``: ``dX = dZ W^T``, ``dW = X^T dZ``, ``db = sum_rows dZ``.
    """
    dZ = as_float_array("dZ", dZ, 2)
    X = as_float_array("X", X, 2)
    W = as_float_array("W", W, 2)
    require_shape("W", W, (X.shape[1], dZ.shape[1]),
                  f"X has {X.shape[1]} columns and dZ has {dZ.shape[1]}")
    require_shape("dZ", dZ, (X.shape[0], None), f"X has {X.shape[0]} rows")
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def sigmoid_backward(dA, A):
    """Gradient through an elementwise sigmoid (the handbook chapter, Example 1): ``dA * A (1 - A)``.

    ``dA``: upstream gradient; ``A``: the sigmoid's outputs; same shape, any shape.
    """
    dA = as_float_array("dA", dA)
    A = as_float_array("A", A)
    same_shape("dA", dA, "A", A)
    return dA * A * (1.0 - A)


def mlp_loss_and_grads(X, T, weights, biases, lam=0.0):
    """Loss and gradients of a sigmoid MLP on a batch.

    ``E = 1/(2N) sum ||t - o||^2 + lam/(2N) sum_l ||W(l)||^2`` (the per-neuron article, eq. 6;
    the Ng-notation guide's lambda; biases are not regularised).

    ``X``: ``(N, n_0)``; ``T``: ``(N, n_L)``; ``weights[l]``: ``(n_l, n_{l+1})``;
    ``biases[l]``: ``(n_{l+1},)``; ``lam``: float >= 0. Returns ``(loss, grads_W, grads_b)``.
    """
    X, weights, biases = check_network(X, weights, biases, batch=True)
    T = as_float_array("T", T, 2)
    require_shape("T", T, (X.shape[0], weights[-1].shape[1]),
                  "one row per example of X, one column per output unit")
    lam = float(lam)
    N = X.shape[0]
    A = forward(X, weights, biases)  # [X, A(1), ..., O]
    O = A[-1]
    loss = 0.5 * np.sum((T - O) ** 2) / N + 0.5 * lam / N * sum(np.sum(W * W) for W in weights)
    dA = (O - T) / N  # dE/dO
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        dZ = dA * A[l + 1] * (1.0 - A[l + 1])  # the handbook chapter, Example 1
        # Example 3; the Ng-notation guide: D = 1/m (Delta + lam Theta)
        grads_W[l] = A[l].T @ dZ + (lam / N) * weights[l]
        grads_b[l] = dZ.sum(axis=0)
        if l > 0:
            dA = dZ @ weights[l].T  # Example 2
    return float(loss), grads_W, grads_b
