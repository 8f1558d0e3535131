"""Backpropagation for one example, in vector form (assignments a2 and a3).

Course notation: ``z(l) = a(l-1) W(l) + b(l)``, ``a(l) = sigmoid(z(l))``,
``a(0) = x``, ``o = a(L)``, ``E = 1/2 sum (t - o)^2`` and the local gradient
``delta(l) = dE/dz(l)``. Seed 000 defines ``delta_j = -dE/ds_j`` (eq. 19) --
the opposite sign -- so its update ``w <- w + eta delta y`` (eq. 22) is the
course's ``W <- W - eta dE/dW``.
"""
from __future__ import annotations

import numpy as np

from ._shapes import as_float_array, as_layer_list, require_shape, same_shape
from .activations import sigmoid


def output_delta(o, t):
    """``delta = dE/dz`` at a sigmoid output layer, ``E = 1/2 sum (t - o)^2``.

    ``o``, ``t``: shape ``(K,)`` for one example or ``(N, K)`` for a batch (each row
    is then that example's delta). Returns ``(o - t) o (1 - o)``, the shape of ``o``.

    Seed 000, eq. (23) gives ``delta_k = e_k f'(s_k)`` with ``e = t - o``: the
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
    seed 000, eq. (16)-(17): ``dE/dw_ij = dE/ds_j * y_i``.
    """
    a_prev = as_float_array("a_prev", a_prev, 1)
    delta = as_float_array("delta", delta, 1)
    return np.outer(a_prev, delta)


def hidden_delta(delta_next, W_next, a):
    """``delta`` of a sigmoid hidden layer from the layer above (seed 000, eq. 34).

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
    """Forward pass of a sigmoid net; returns the activations ``[a(0)=x, ..., a(L)=o]``.

    ``x``: one example ``(n_0,)`` or a batch ``(N, n_0)`` (rows are examples);
    ``weights[l]``: ``(n_l, n_{l+1})``; ``biases[l]``: ``(n_{l+1},)``. Entry ``l`` of
    the result is ``(n_l,)`` or ``(N, n_l)``. Public as ``bptutor.reference.forward``.
    """
    activations = [x]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))  # z = a W + b; a = f(z)
    return activations


def check_network(x, weights, biases, batch: bool = False):
    """Validate a network's parameters against its input; return them as float arrays."""
    x = as_float_array("x" if not batch else "X", x, 2 if batch else 1)
    weights = as_layer_list("weights", weights, 2)
    biases = as_layer_list("biases", biases, 1)
    if len(weights) != len(biases):
        raise ValueError(
            f"weights has {len(weights)} layers but biases has {len(biases)}; give one bias per layer"
        )
    n_prev = x.shape[-1]
    for l, (W, b) in enumerate(zip(weights, biases)):
        require_shape(f"weights[{l}]", W, (n_prev, None),
                      f"its rows must match the {n_prev} outputs of the layer below")
        require_shape(f"biases[{l}]", b, (W.shape[1],), f"weights[{l}] has {W.shape[1]} columns")
        n_prev = W.shape[1]
    return x, weights, biases


def backprop(x, t, weights, biases):
    """Gradients of ``E = 1/2 sum (t - o)^2`` for one example through a sigmoid net of any depth.

    ``x``: ``(n_0,)``; ``t``: ``(n_L,)``; ``weights[l]``: ``(n_l, n_{l+1})``;
    ``biases[l]``: ``(n_{l+1},)``. Returns ``(grads_W, grads_b)``, lists shaped like
    ``weights`` and ``biases``. Steps 2-5 of seed 000's procedure.
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
