"""A multilayer perceptron in matrix (batch) form: seeds 002 and 004, lessons 05, 07 and 09.

Rows are examples. Layer ``l`` computes ``Z(l) = A(l-1) W(l) + b(l)`` and
``A(l) = f(Z(l))`` with ``W(l)`` of shape ``(n_{l-1}, n_l)``; ``A(0) = X``.
The backward pass is seed 004's building blocks written out for the whole net:

* output: sigmoid/identity with ``E = 1/(2N) sum ||t - o||^2`` (seed 000, eq. 6), or
  softmax with mean cross-entropy, whose ``dE/dZ`` is ``(S - T) / N`` (lesson 06);
* ``dA(l-1) = dZ(l) W(l)^T`` (seed 004, Example 2), ``dW(l) = A(l-1)^T dZ(l)``
  (Example 3), ``db(l) = sum_rows dZ(l)``, ``dZ = dA * f'`` (Example 1);
* seed 002's regularisation adds ``lam/N W(l)`` to ``dW(l)``; biases are not regularised.

With sigmoid hidden and output layers :meth:`MLP.loss_and_grads` returns the same
numbers as :func:`bptutor.reference.mlp_loss_and_grads`.

The class is also the fast path of the benchmark (``benchmarks/train_digits.py``):
:meth:`MLP.backprop_unchecked` validates nothing, writes into preallocated buffers and
uses ``np.dot(..., out=...)``, so a training loop should validate its data once and
then call it batch after batch (as :func:`bptutor.reference.sgd.train` does).
"""
from __future__ import annotations

import numbers

import numpy as np

from ._shapes import as_float_array, require_shape
from .init import init_network
from .losses import one_hot

HIDDEN = ("sigmoid", "tanh", "relu")
OUTPUT = ("sigmoid", "softmax", "identity")


def _sigmoid_inplace(Z):
    """``Z <- 1 / (1 + exp(-Z))`` in place, as ``0.5 tanh(Z/2) + 0.5``: no overflow, no temporaries."""
    np.multiply(Z, 0.5, out=Z)
    np.tanh(Z, out=Z)
    np.multiply(Z, 0.5, out=Z)
    np.add(Z, 0.5, out=Z)
    return Z


def _tanh_inplace(Z):
    return np.tanh(Z, out=Z)


def _relu_inplace(Z):
    return np.maximum(Z, 0.0, out=Z)


def _identity_inplace(Z):
    return Z


_INPLACE = {"sigmoid": _sigmoid_inplace, "tanh": _tanh_inplace, "relu": _relu_inplace,
            "identity": _identity_inplace}


def _times_derivative_from_output(dA, A, tmp, name):
    """``dA <- dA * f'(Z)`` with ``f'`` written through the output ``A`` (seed 004, Example 1)."""
    if name == "sigmoid":
        np.subtract(1.0, A, out=tmp)
        np.multiply(tmp, A, out=tmp)  # seed 000, eq. (15): f' = y (1 - y)
        np.multiply(dA, tmp, out=dA)
    elif name == "tanh":
        np.multiply(A, A, out=tmp)
        np.subtract(1.0, tmp, out=tmp)  # seed 000, eq. (14): f' = 1 - y^2
        np.multiply(dA, tmp, out=dA)
    elif name == "relu":
        np.greater(A, 0.0, out=tmp)
        np.multiply(dA, tmp, out=dA)
    return dA


class _Buffers:
    """Preallocated arrays for one batch size ``N`` (forward activations and backward scratch)."""

    def __init__(self, sizes, N):
        self.A = [np.empty((N, n)) for n in sizes[1:]]  # A(1) .. A(L)
        self.dA = [np.empty((N, n)) for n in sizes[1:]]  # dE/dA(l), then dE/dZ(l) in place
        self.tmp = [np.empty((N, n)) for n in sizes[1:]]
        self.row = np.empty((N, 1))


class MLP:
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    ``hidden``: activation of the hidden layers (``"sigmoid"``, ``"tanh"``, ``"relu"``).
    ``output``: ``"sigmoid"`` or ``"identity"`` (squared error, targets ``(N, n_L)``) or
    ``"softmax"`` (cross-entropy, targets one-hot ``(N, n_L)`` or integer labels ``(N,)``).
    ``init``: ``"seed000"`` (seed 000's uniform ``[-1/(2L), 1/(2L)]``), ``"sqrt"``
    (``[-1/sqrt(L), 1/sqrt(L)]``), ``"zeros"``, or a float scale for ``scale * N(0, 1)``;
    see :mod:`bptutor.reference.init`. ``seed`` makes the initial weights reproducible.

    Attributes ``weights`` (list of ``(n_{l-1}, n_l)`` arrays) and ``biases`` (list of
    ``(n_l,)`` arrays) may be read and replaced; training updates them in place.
    """

    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", seed=0, init="seed000"):
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(n, numbers.Integral) and n >= 1 for n in sizes):
            raise ValueError(f"sizes must be a list of at least two positive integers "
                             f"[n_inputs, ..., n_outputs]; got {sizes}")
        if hidden not in HIDDEN:
            raise ValueError(f"unknown hidden activation {hidden!r}; choose one of {list(HIDDEN)}")
        if output not in OUTPUT:
            raise ValueError(f"unknown output {output!r}; choose one of {list(OUTPUT)}")
        if output == "softmax" and sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 units (one per class)")
        self.sizes = [int(n) for n in sizes]
        self.hidden = hidden
        self.output = output
        self.init = init
        self.seed = seed
        self.weights, self.biases = init_network(self.sizes, init, np.random.default_rng(seed))
        self._buffers = {}
        self._gW = [np.empty_like(W) for W in self.weights]
        self._gb = [np.empty_like(b) for b in self.biases]

    def __repr__(self):
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"seed={self.seed!r}, init={self.init!r})")

    @property
    def loss_name(self):
        """``"cross-entropy"`` for a softmax output, else ``"squared error"``."""
        return "cross-entropy" if self.output == "softmax" else "squared error"

    # ----------------------------------------------------------------- validation
    def _check_params(self):
        if len(self.weights) != len(self.sizes) - 1 or len(self.biases) != len(self.sizes) - 1:
            raise ValueError(f"the network has {len(self.sizes) - 1} layers but weights has "
                             f"{len(self.weights)} and biases {len(self.biases)} entries")
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            if not (isinstance(W, np.ndarray) and W.dtype == np.float64):
                self.weights[l] = W = as_float_array(f"weights[{l}]", W, 2).copy()
            if not (isinstance(b, np.ndarray) and b.dtype == np.float64):
                self.biases[l] = b = as_float_array(f"biases[{l}]", b, 1).copy()
            require_shape(f"weights[{l}]", W, (n_in, n_out), f"layer sizes {self.sizes}")
            require_shape(f"biases[{l}]", b, (n_out,), f"layer sizes {self.sizes}")

    def check_inputs(self, X, T=None):
        """Validate a batch once: returns ``(X, T)`` as float64 arrays (``T`` may be ``None``).

        ``X``: ``(N, n_0)``; ``T``: ``(N, n_L)``, or integer labels ``(N,)`` for a softmax
        output (converted to one-hot). Raises ``ValueError`` naming the bad argument.
        """
        self._check_params()
        X = as_float_array("X", X, 2)
        require_shape("X", X, (None, self.sizes[0]), f"the network has {self.sizes[0]} inputs")
        if T is None:
            return np.ascontiguousarray(X), None
        T = np.asarray(T)
        if T.ndim == 1 and np.issubdtype(T.dtype, np.integer) and self.output == "softmax":
            require_shape("T", T, (X.shape[0],), f"X has {X.shape[0]} rows")
            if T.size and (T.min() < 0 or T.max() >= self.sizes[-1]):
                raise ValueError(f"labels T must lie in [0, {self.sizes[-1]}); "
                                 f"got range [{T.min()}, {T.max()}]")
            T = one_hot(T, self.sizes[-1])
        T = as_float_array("T", T, 2)
        require_shape("T", T, (X.shape[0], self.sizes[-1]),
                      "one row per example of X, one column per output unit")
        return np.ascontiguousarray(X), np.ascontiguousarray(T)

    # ----------------------------------------------------------------- the fast path
    def _buf(self, N):
        buf = self._buffers.get(N)
        if buf is None:
            if len(self._buffers) > 4:  # keep memory bounded when batch sizes vary
                self._buffers.clear()
            buf = self._buffers[N] = _Buffers(self.sizes, N)
        return buf

    def forward_unchecked(self, X):
        """Forward pass without validation; returns the list ``[A(1), ..., A(L)]`` (buffers, reused).

        ``X``: float64 ``(N, n_0)``. The arrays are overwritten by the next call with the same N.
        """
        buf = self._buf(X.shape[0])
        f_hidden = _INPLACE[self.hidden]
        A_prev = X
        L = len(self.weights)
        for l in range(L):
            A = buf.A[l]
            np.dot(A_prev, self.weights[l], out=A)  # Z = A(l-1) W + b
            np.add(A, self.biases[l], out=A)
            if l < L - 1:
                f_hidden(A)
            elif self.output == "softmax":
                np.subtract(A, A.max(axis=1, keepdims=True), out=A)  # stable: shift each row
                np.exp(A, out=A)
                np.sum(A, axis=1, keepdims=True, out=buf.row)
                np.divide(A, buf.row, out=A)
            else:
                _INPLACE[self.output](A)
            A_prev = A
        return buf.A

    def backprop_unchecked(self, X, T, lam=0.0, scale=1.0):
        """One forward and backward pass without validation; gradients land in reused buffers.

        ``X``: float64 ``(N, n_0)``; ``T``: float64 ``(N, n_L)`` (one-hot for softmax).
        Returns ``(grads_W, grads_b)`` holding ``scale * dE/dW(l)`` and ``scale * dE/db(l)``
        (with ``scale = lr`` they are the SGD step itself). The lists and arrays are
        overwritten by the next call: copy them to keep them.
        """
        A = self.forward_unchecked(X)
        buf = self._buffers[X.shape[0]]
        N = X.shape[0]
        L = len(self.weights)
        dZ = buf.dA[L - 1]
        np.subtract(A[L - 1], T, out=dZ)  # dE/dZ(L) * N: o - t (squared error), S - Y (softmax + CE)
        np.multiply(dZ, scale / N, out=dZ)  # batch mean (seed 000, eq. 6)
        if self.output == "sigmoid":
            _times_derivative_from_output(dZ, A[L - 1], buf.tmp[L - 1], "sigmoid")  # seed 000, eq. (23)
        for l in range(L - 1, -1, -1):
            A_prev = X if l == 0 else A[l - 1]
            np.dot(A_prev.T, dZ, out=self._gW[l])  # seed 004, Example 3: dW = A^T dZ
            np.sum(dZ, axis=0, out=self._gb[l])
            if lam:
                self._gW[l] += (scale * lam / N) * self.weights[l]  # seed 002: D = 1/m (Delta + lam Theta)
            if l > 0:
                dA = buf.dA[l - 1]
                np.dot(dZ, self.weights[l].T, out=dA)  # seed 004, Example 2: dX = dZ W^T
                dZ = _times_derivative_from_output(dA, A[l - 1], buf.tmp[l - 1], self.hidden)  # eq. (34)
        return self._gW, self._gb

    def loss_unchecked(self, X, T, lam=0.0):
        """The loss of :meth:`loss_and_grads` without validation (``X``, ``T`` as there, float64)."""
        O = self.forward_unchecked(X)[-1]
        N = X.shape[0]
        if self.output == "softmax":
            loss = -np.sum(T * np.log(np.maximum(O, 1e-300))) / N
        else:
            E = O - T
            loss = 0.5 * np.sum(E * E) / N  # seed 000, eq. (6)
        if lam:
            loss += 0.5 * lam / N * sum(np.sum(W * W) for W in self.weights)
        return float(loss)

    # ----------------------------------------------------------------- the public API
    def forward(self, X):
        """Network output for ``X`` ``(N, n_0)`` (or one example ``(n_0,)``): ``(N, n_L)`` (or ``(n_L,)``).

        Softmax outputs are probabilities (rows sum to 1). Returns a new array.
        """
        X = np.asarray(X)
        if X.ndim == 1:
            return self.forward(X[None, :])[0]
        X, _ = self.check_inputs(X)
        return self.forward_unchecked(X)[-1].copy()

    def loss_and_grads(self, X, T, lam=0.0):
        """``(loss, grads_W, grads_b)`` on the batch ``X`` ``(N, n_0)``, ``T`` ``(N, n_L)``.

        Squared error ``E = 1/(2N) sum ||t - o||^2`` for sigmoid/identity outputs,
        mean cross-entropy for softmax (``T`` one-hot or integer labels ``(N,)``), plus
        ``lam/(2N) sum_l ||W(l)||^2``. Gradients are new arrays shaped like
        ``weights`` and ``biases``.
        """
        X, T = self.check_inputs(X, T)
        lam = float(lam)
        if lam < 0:
            raise ValueError(f"lam must be >= 0 (a regularisation strength); got {lam}")
        loss = self.loss_unchecked(X, T, lam)
        gW, gb = self.backprop_unchecked(X, T, lam)
        return loss, [g.copy() for g in gW], [g.copy() for g in gb]

    def predict(self, X):
        """Class labels ``(N,)``: the argmax of the output, or ``output > 0.5`` for a single output unit."""
        O = self.forward(np.atleast_2d(np.asarray(X, dtype=np.float64)))
        if O.shape[1] == 1:
            return (O[:, 0] > 0.5).astype(np.int64)
        return np.argmax(O, axis=1)

    def accuracy(self, X, y):
        """Fraction of rows of ``X`` ``(N, n_0)`` whose predicted label equals ``y`` ``(N,)``."""
        y = np.asarray(y)
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape}; expected ({X.shape[0]},), one label per row of X")
        return float(np.mean(self.predict(X) == y))

    def copy(self):
        """An independent copy (same sizes, activations and current parameters)."""
        other = MLP(self.sizes, self.hidden, self.output, self.seed, "zeros")
        other.init = self.init
        other.weights = [W.copy() for W in self.weights]
        other.biases = [b.copy() for b in self.biases]
        return other


def labels_from_targets(T):
    """Integer labels from targets: argmax of each row, or ``t > 0.5`` for a single column."""
    T = np.asarray(T)
    if T.ndim == 1:
        return T.astype(np.int64)
    if T.shape[1] == 1:
        return (T[:, 0] > 0.5).astype(np.int64)
    return np.argmax(T, axis=1)


__all__ = ["MLP", "HIDDEN", "OUTPUT", "labels_from_targets"]
