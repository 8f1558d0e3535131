"""Backpropagation for one example, in vector form (assignments a2 and a3).

Course notation: ``z(l) = a(l-1) W(l) + b(l)``, ``a(l) = sigmoid(z(l))``,
``a(0) = x``, ``o = a(L)``, ``E = 1/2 sum (t - o)^2`` and the local gradient
``delta(l) = dE/dz(l)``. The per-neuron article defines ``delta_j = -dE/ds_j`` (eq. 19) --
the opposite sign -- so its update ``w <- w + eta delta y`` (eq. 22) is the
course's ``W <- W - eta dE/dW``.
"""
from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .shapes import as_float_array, check_network, require_shape, same_shape


def output_delta(o, t):
    """``delta = dE/dz`` at a sigmoid output layer, ``E = 1/2 sum (t - o)^2``.

    ``o``, ``t``: shape ``(K,)`` for one example or ``(N, K)`` for a batch (each row
    is then that example's delta). Returns ``(o - t) o (1 - o)``, the shape of ``o``.

    The per-neuron article, eq. (23) gives ``delta_k = e_k f'(s_k)`` with ``e = t - o``: the
    same number with the opposite sign.
    """
    o = as_float_array("o", o, (1, 2))
    t = as_float_array("t", t, (1, 2))
    same_shape("o", o, "t", t)
    return (o - t) * o * (1.0 - o)  # dE/do = -(t - o) (eqs. 10, 12); do/dz = o(1 - o) (eq. 15)


def weight_gradient(a_prev, delta):
    """``dE/dW`` of one layer for one example: ``outer(a_prev, delta)``.

    ``a_prev``: the layer's input ``(n_in,)``; ``delta``: its local gradient
    ``(n_out,)``. Returns shape ``(n_in, n_out)``: entry ``[i, j] = a_prev[i] delta[j]``,
    the per-neuron article, eq. (16)-(17): ``dE/dw_ij = dE/ds_j * y_i``.
    """
    a_prev = as_float_array("a_prev", a_prev, 1)
    delta = as_float_array("delta", delta, 1)
    return np.outer(a_prev, delta)


def hidden_delta(delta_next, W_next, a):
    """``delta`` of a sigmoid hidden layer from the layer above (the per-neuron article, eq. 34).

    ``delta_next``: ``(n_next,)`` or ``(N, n_next)``; ``W_next``: the weights from this
    layer to the next, ``(n, n_next)``; ``a``: this layer's activations ``(n,)`` or
    ``(N, n)``. Returns ``(delta_next @ W_next.T) * a (1 - a)``, the shape of ``a``.

    Eq. (34) reads ``delta_j = f'(s_j) sum_k delta_k w_jk``: the sum over k is the
    product with ``W_next.T``.
    """
    delta_next = as_float_array("delta_next", delta_next, (1, 2))
    W_next = as_float_array("W_next", W_next, 2)
    a = as_float_array("a", a, (1, 2))
    n, n_next = W_next.shape
    lead = delta_next.shape[:-1]
    require_shape("delta_next", delta_next, lead + (n_next,), f"W_next has {n_next} columns")
    require_shape("a", a, lead + (n,), f"W_next has {n} rows and delta_next is {delta_next.shape}")
    return (delta_next @ W_next.T) * a * (1.0 - a)


def forward(x, weights, biases):
    """Forward pass of a sigmoid net; returns the activations ``[a(0)=x, a(1), ..., a(L)=o]``.

    ``x``: one example ``(n_0,)`` or a batch ``(N, n_0)`` (rows are examples);
    ``weights[l]``: ``(n_l, n_{l+1})``; ``biases[l]``: ``(n_{l+1},)``. Entry ``l`` of
    the result is ``(n_l,)`` for one example, ``(N, n_l)`` for a batch: the same line
    ``z = a W + b`` serves both, a row vector or a stack of rows. Public as
    ``bptutor.reference.forward``.
    """
    x, weights, biases = check_network(x, weights, biases, batch=None)
    activations = [x]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))  # z = a W + b (eq. 1); a = f(z) (eq. 2)
    return activations


def backprop(x, t, weights, biases):
    """Gradients of ``E = 1/2 sum (t - o)^2`` for one example through a sigmoid net of any depth.

    ``x``: ``(n_0,)``; ``t``: ``(n_L,)``; ``weights[l]``: ``(n_l, n_{l+1})``;
    ``biases[l]``: ``(n_{l+1},)``. Returns ``(grads_W, grads_b)``, lists shaped like
    ``weights`` and ``biases``. Steps 2-5 of the per-neuron article's procedure.
    """
    x, weights, biases = check_network(x, weights, biases)
    t = as_float_array("t", t, 1)
    require_shape("t", t, (weights[-1].shape[1],), "one target per output unit")
    a = forward(x, weights, biases)  # step 2: forward pass, storing the activations
    L = len(weights)
    grads_W = [None] * L
    grads_b = [None] * L
    delta = output_delta(a[-1], t)  # step 3: eq. (23)
    for l in range(L - 1, -1, -1):
        grads_W[l] = weight_gradient(a[l], delta)  # eq. (24), course sign
        grads_b[l] = delta.copy()  # the bias input is fixed at 1 (eq. 1, i = 0)
        if l > 0:
            delta = hidden_delta(delta, weights[l], a[l])  # step 4: eq. (34)
    return grads_W, grads_b


__all__ = ["output_delta", "weight_gradient", "hidden_delta", "forward", "backprop"]
