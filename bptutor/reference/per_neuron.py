"""The per-neuron scalar form of backpropagation, equation by equation as the per-neuron article derives it.

Everything here is an explicit loop over neurons and weights with Python floats:
slow, and meant to be read next to the article (lessons 02-04). The matrix form in
:mod:`bptutor.reference.mlp` computes the same numbers (the tests hold them to 1e-10).

Notation of the per-neuron article and how it maps to the course:

* ``s_j = sum_i y_i w_ij`` (eq. 1), ``i = 0`` the formal input ``y_0 = 1`` whose
  weight ``w_0j`` is the course's bias ``b[j]``; ``y_j = f(s_j)`` (eq. 2).
  The course stores ``w_ij`` as ``W[i, j]``, shape ``(n_{l-1}, n_l)``.
* ``e_k = d_k - y_k`` (eq. 3), ``E = 1/2 sum_k e_k^2`` (eq. 4).
* **Sign:** the per-neuron article's local gradient is ``delta_j = -dE/ds_j`` (eq. 19), the
  negative of the course's ``delta = dE/dz``. The loops below use the seed's sign
  so each line matches an equation; the functions return the course's gradient
  ``dE/dW = -delta_j y_i`` (eqs. 17, 19), and the training loop applies the seed's
  update ``w <- w + eta delta y`` (eq. 22), which is the same step.
"""
from __future__ import annotations

import math

import numpy as np

from .shapes import as_float_array, check_network, require_shape


def _sigmoid(s):
    # logistic function; written so exp never overflows
    if s >= 0:
        return 1.0 / (1.0 + math.exp(-s))
    e = math.exp(s)
    return e / (1.0 + e)


#: activation name -> (f(s), f'(s) written through the output y = f(s))
_SCALAR_ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),  # the per-neuron article, eq. (15)
    "tanh": (math.tanh, lambda y: 1.0 - y * y),  # the per-neuron article, eq. (14)
    "relu": (lambda s: s if s > 0.0 else 0.0, lambda y: 1.0 if y > 0.0 else 0.0),
    "identity": (lambda s: s, lambda y: 1.0),
}


def _activation(name):
    try:
        return _SCALAR_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(_SCALAR_ACTIVATIONS)}"
        ) from None


def _as_lists(weights, biases):
    """Copy the arrays into nested Python lists so the loops index floats, not NumPy scalars."""
    return [W.tolist() for W in weights], [b.tolist() for b in biases]


def _forward(x, Ws, bs, f):
    """Forward pass on Python lists; returns ``[y(0) = x, y(1), ..., y(L)]`` as lists of floats."""
    ys = [list(x)]
    for W, b in zip(Ws, bs):
        y_prev = ys[-1]
        n_out = len(b)
        y = [0.0] * n_out
        for j in range(n_out):
            s_j = b[j]  # i = 0: the formal input y_0 = 1 times w_0j (eq. 1)
            for i in range(len(y_prev)):
                s_j += y_prev[i] * W[i][j]  # the per-neuron article, eq. (1)
            y[j] = f(s_j)  # the per-neuron article, eq. (2)
        ys.append(y)
    return ys


def forward_per_neuron(x, weights, biases, activation="sigmoid"):
    """Forward pass for one example, neuron by neuron (the per-neuron article, eqs. 1-2).

    ``x``: ``(n_0,)``; ``weights[l]``: ``(n_l, n_{l+1})`` with ``weights[l][i, j] = w_ij``;
    ``biases[l]``: ``(n_{l+1},)``, the weights ``w_0j`` of the formal input. The same
    ``activation`` (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"identity"``) is used in every
    layer. Returns the list of activations ``[x, y(1), ..., y(L)]`` as float64 arrays
    of shapes ``(n_0,), (n_1,), ..., (n_L,)``.
    """
    f, _ = _activation(activation)
    x, weights, biases = check_network(x, weights, biases)
    Ws, bs = _as_lists(weights, biases)
    return [np.array(y) for y in _forward(x.tolist(), Ws, bs, f)]


def _backward(ys, t, Ws, f_prime):
    """Seed-000 deltas (``delta_j = -dE/ds_j``) for every layer, from the output down."""
    L = len(Ws)
    deltas = [None] * L
    y_out = ys[L]
    # step 3: output layer, eq. (23): delta_k = e_k f'(s_k), e_k = d_k - y_k (eq. 3)
    deltas[L - 1] = [(t[k] - y_out[k]) * f_prime(y_out[k]) for k in range(len(y_out))]
    # step 4: hidden layers, eq. (34): delta_j = f'(s_j) sum_k delta_k w_jk
    for l in range(L - 1, 0, -1):
        W_next, d_next, y = Ws[l], deltas[l], ys[l]
        d = [0.0] * len(y)
        for j in range(len(y)):
            total = 0.0
            for k in range(len(d_next)):
                total += d_next[k] * W_next[j][k]  # the sum over k of eq. (34) (eqs. 25-33)
            d[j] = f_prime(y[j]) * total
        deltas[l - 1] = d
    return deltas


def _gradients(ys, deltas, Ws):
    """Course-convention gradients ``dE/dw_ij = -delta_j y_i`` (eqs. 17, 19) as Python lists."""
    grads_W, grads_b = [], []
    for l, W in enumerate(Ws):
        y_prev, d = ys[l], deltas[l]
        gW = [[-d[j] * y_prev[i] for j in range(len(d))] for i in range(len(W))]  # eqs. (16), (17), (19)
        gb = [-d[j] for j in range(len(d))]  # i = 0: y_0 = 1
        grads_W.append(gW)
        grads_b.append(gb)
    return grads_W, grads_b


def backprop_per_neuron(x, t, weights, biases, activation="sigmoid"):
    """Gradients of ``E = 1/2 sum_k (t_k - o_k)^2`` for one example, neuron by neuron.

    Steps 2-4 of the per-neuron article's procedure with the seed's deltas (eqs. 23, 34); returns
    the course's gradient ``(grads_W, grads_b)`` = ``dE/dW``, ``dE/db`` -- lists of
    float64 arrays shaped like ``weights`` (``(n_l, n_{l+1})``) and ``biases``
    (``(n_{l+1},)``). ``x``: ``(n_0,)``; ``t``: ``(n_L,)``.
    """
    f, f_prime = _activation(activation)
    x, weights, biases = check_network(x, weights, biases)
    t = as_float_array("t", t, 1)
    require_shape("t", t, (weights[-1].shape[1],), "one target per output neuron")
    Ws, bs = _as_lists(weights, biases)
    ys = _forward(x.tolist(), Ws, bs, f)  # step 2
    deltas = _backward(ys, t.tolist(), Ws, f_prime)  # steps 3-4
    grads_W, grads_b = _gradients(ys, deltas, Ws)
    return [np.array(g) for g in grads_W], [np.array(g) for g in grads_b]


def energy_per_neuron(X, T, weights, biases, activation="sigmoid"):
    """Mean energy over a training set, ``E = 1/(2P) sum_n sum_k e_k(n)^2`` (the per-neuron article, eq. 6).

    ``X``: ``(P, n_0)``; ``T``: ``(P, n_L)``. Returns a float.
    """
    f, _ = _activation(activation)
    X, weights, biases = check_network(X, weights, biases, batch=True)
    T = as_float_array("T", T, 2)
    require_shape("T", T, (X.shape[0], weights[-1].shape[1]), "one row per example of X")
    Ws, bs = _as_lists(weights, biases)
    return _energy(X.tolist(), T.tolist(), Ws, bs, f)


def _energy(X, T, Ws, bs, f):
    total = 0.0
    for x, t in zip(X, T):
        o = _forward(x, Ws, bs, f)[-1]
        total += sum((t[k] - o[k]) ** 2 for k in range(len(o)))  # e_k = d_k - y_k (eq. 3)
    return 0.5 * total / len(X)  # the per-neuron article, eq. (6)


def train_online_per_neuron(X, T, weights, biases, lr, epochs, seed=0, activation="sigmoid",
                            target_energy=None):
    """On-line training by the per-neuron article's 8-step procedure; returns the energy after each epoch.

    ``X``: ``(P, n_0)``; ``T``: ``(P, n_L)``; ``weights[l]``: ``(n_l, n_{l+1})``,
    ``biases[l]``: ``(n_{l+1},)`` -- step 1 (initialisation) is the caller's, e.g.
    :func:`bptutor.reference.init.init_network` with ``rule="seed000"``. **The arrays in
    ``weights`` and ``biases`` are updated in place** (step 6). ``lr`` is eta in (0, 1)
    (eq. 7). Each epoch visits the examples in a fresh random order drawn from
    ``seed`` (steps 2 and 7); after it, step 8 evaluates the mean energy (eq. 6) and
    stops early once it is below ``target_energy`` (if given).

    Returns a float64 array of the per-epoch energies, length ``<= epochs``.
    """
    f, f_prime = _activation(activation)
    X, weights_checked, biases_checked = check_network(X, weights, biases, batch=True)
    T = as_float_array("T", T, 2)
    require_shape("T", T, (X.shape[0], weights_checked[-1].shape[1]), "one row per example of X")
    lr = float(lr)
    if not lr > 0:
        raise ValueError(f"lr must be a positive learning rate (the per-neuron article: 0 < eta < 1); got {lr}")
    for l, (W, b) in enumerate(zip(weights, biases)):
        if not (isinstance(W, np.ndarray) and W.dtype == np.float64 and
                isinstance(b, np.ndarray) and b.dtype == np.float64):
            raise ValueError(f"weights[{l}] and biases[{l}] must be float64 NumPy arrays: "
                             "they are updated in place")
    rng = np.random.default_rng(seed)
    Ws, bs = _as_lists(weights_checked, biases_checked)
    Xl, Tl = X.tolist(), T.tolist()
    energies = []
    for _ in range(int(epochs)):
        for n in rng.permutation(len(Xl)):  # steps 2 and 7: every example once, in random order
            ys = _forward(Xl[n], Ws, bs, f)  # step 2: eqs. (1)-(2)
            deltas = _backward(ys, Tl[n], Ws, f_prime)  # steps 3-4: eqs. (23), (34)
            for l in range(len(Ws)):
                y_prev, d, W, b = ys[l], deltas[l], Ws[l], bs[l]
                for j in range(len(d)):
                    b[j] += lr * d[j]  # steps 5-6 for w_0j, y_0 = 1
                    for i in range(len(y_prev)):
                        W[i][j] += lr * d[j] * y_prev[i]  # step 5: eq. (22); step 6: w(n) = w(n-1) + dw
        energies.append(_energy(Xl, Tl, Ws, bs, f))  # step 8: eq. (6)
        if target_energy is not None and energies[-1] < target_energy:
            break
    for W, b, W_new, b_new in zip(weights, biases, Ws, bs):
        W[...] = W_new
        b[...] = b_new
    return np.array(energies)


__all__ = ["forward_per_neuron", "backprop_per_neuron", "energy_per_neuron", "train_online_per_neuron"]
