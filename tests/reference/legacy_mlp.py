"""The matrix-form ``MLP`` as it was before the fast path moved out (bptutor/reference/mlp.py at b6fc332).

Frozen here, and only here, as the oracle of ``test_fast_mlp.py``: :class:`bptutor.fast_mlp.FastMLP`
must give bit-identical numbers. Only the imports were changed (absolute, and ``_shapes`` is now
``shapes``); do not edit the rest.
"""
from __future__ import annotations

import numbers

import numpy as np

from bptutor.reference.init import init_network
from bptutor.reference.losses import one_hot
from bptutor.reference.shapes import as_float_array, require_shape

HIDDEN = ("sigmoid", "tanh", "relu")
OUTPUT = ("sigmoid", "softmax", "identity")


def _sigmoid_inplace(Z):
    """``Z <- 1 / (1 + exp(-Z))`` in place (call under ``np.errstate(over="ignore")``).

    For ``Z < -709`` ``exp(-Z)`` overflows to ``inf`` and the result is the correct 0.
    """
    np.negative(Z, out=Z)
    np.exp(Z, out=Z)
    np.add(Z, 1.0, out=Z)
    np.reciprocal(Z, out=Z)
    return Z


def _apply_inplace(name, Z):
    if name == "sigmoid":
        _sigmoid_inplace(Z)
    elif name == "tanh":
        np.tanh(Z, out=Z)
    elif name == "relu":
        np.maximum(Z, 0.0, out=Z)
    return Z  # identity: nothing to do


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
    """Preallocated arrays for one batch size ``N``, examples as columns, and per-layer views.

    ``layers[l]`` is the tuple ``(BT, W, Z, A, dA, tmp, GW, Gb)``: the block ``[b; W]``
    transposed, ``W`` alone, the pre-activation buffer ``Z`` (overwritten by the
    activation), the activation with its row of ones ``A`` (the output: no ones), the
    gradient buffer ``dA`` (then ``dZ``), scratch ``tmp``, and the gradient views for
    ``W`` and ``b``. Building the views once keeps them out of the per-batch loop.
    """

    def __init__(self, sizes, N, blocks, gblocks):
        L = len(sizes) - 1
        self.layers = []
        for l in range(L):
            n = sizes[l + 1]
            if l < L - 1:
                A = np.empty((n + 1, N))
                A[0] = 1.0  # the formal input y_0 = 1 of the next layer (seed 000, eq. 1)
                Z = A[1:]  # Z(l) is written straight into the rows below the ones
            else:
                A = Z = np.empty((n, N))
            self.layers.append((blocks[l].T, blocks[l][1:], Z, A, np.empty((n, N)), np.empty((n, N)),
                                gblocks[l][1:], gblocks[l][0]))
        self.row = np.empty(N)

    @property
    def output(self):
        """The network's output ``(n_L, N)``."""
        return self.layers[-1][3]


class Prepared:
    """A data set validated once and laid out for the fast path.

    ``X`` ``(N, n_0 + 1)``: the examples as rows with the formal input 1 in column 0
    (seed 000, eq. 1); ``T`` ``(N, n_L)`` (one-hot for softmax). The fast path reads
    both through transposed views (examples as columns); BLAS takes them as they are.
    """

    def __init__(self, X, T):
        N = X.shape[0]
        self.N = N
        self.X = np.empty((N, X.shape[1] + 1))
        self.X[:, 0] = 1.0  # the formal input y_0 = 1 (seed 000, eq. 1)
        self.X[:, 1:] = X
        self.T = None if T is None else np.ascontiguousarray(T)
        self._shuffled = None
        self._slices = {}

    @property
    def XT(self):
        """``(n_0 + 1, N)``: the examples as columns, ones in row 0 (a view)."""
        return self.X.T

    @property
    def TT(self):
        """``(n_L, N)``: the targets as columns (a view)."""
        return self.T.T

    def batches(self, size, order=None):
        """Yield ``(XT_batch, TT_batch)``, ``size`` columns each, in the order of the permutation ``order``.

        ``XT_batch`` is copied into a C-contiguous buffer (a few microseconds) so that
        both products with it run as BLAS's fast non-transposed-by-transposed kernels;
        ``TT_batch`` is a view. Both are overwritten by the next batch.
        """
        if order is None:
            X, T = self.X, self.T
        else:
            if self._shuffled is None:
                self._shuffled = (np.empty_like(self.X), np.empty_like(self.T))
            X, T = self._shuffled
            np.take(self.X, order, axis=0, out=X, mode="clip")  # order is a permutation: no clipping
            np.take(self.T, order, axis=0, out=T, mode="clip")
        key = (size, order is None)
        plan = self._slices.get(key)
        if plan is None:
            plan = []
            for s in range(0, self.N, size):
                rows = X[s:s + size]
                n = rows.shape[0]
                buffer = next((b for _, b, _ in plan if b.shape[1] == n), None)
                plan.append((rows, np.empty((rows.shape[1], n)) if buffer is None else buffer,
                             T[s:s + size].T))
            self._slices[key] = plan
        for rows, XT, TT in plan:
            np.copyto(XT, rows.T)
            yield XT, TT


class MLP:
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    ``hidden``: activation of the hidden layers (``"sigmoid"``, ``"tanh"``, ``"relu"``).
    ``output``: ``"sigmoid"`` or ``"identity"`` (squared error, targets ``(N, n_L)``) or
    ``"softmax"`` (cross-entropy, targets one-hot ``(N, n_L)`` or integer labels ``(N,)``).
    ``init``: ``"seed000"`` (seed 000's uniform ``[-1/(2L), 1/(2L)]``), ``"sqrt"``
    (``[-1/sqrt(L), 1/sqrt(L)]``), ``"zeros"``, or a float scale for ``scale * N(0, 1)``;
    see :mod:`bptutor.reference.init`. ``seed`` makes the initial weights reproducible.

    ``weights`` (list of ``(n_{l-1}, n_l)`` arrays) and ``biases`` (list of ``(n_l,)``
    arrays) are views into the network's parameter store: writing into them
    (``net.weights[0][...] = W``) changes the network, training updates them in place,
    and arrays assigned in their place (``net.weights[0] = W`` or ``net.weights = [...]``)
    are copied into the store, after a shape check, at the next call of a public method.
    """

    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", seed=0, init="seed000"):
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool)
                                     and n >= 1 for n in sizes):
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
        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        offsets = np.cumsum([0] + [a * b for a, b in shapes])
        self._params = np.zeros(offsets[-1])  # every [b; W] block, one flat array
        self._grads = np.zeros(offsets[-1])
        self._blocks = [self._params[o:o + a * b].reshape(a, b)
                        for o, (a, b) in zip(offsets[:-1], shapes)]
        self._gblocks = [self._grads[o:o + a * b].reshape(a, b)
                         for o, (a, b) in zip(offsets[:-1], shapes)]
        self._views = ([B[1:] for B in self._blocks], [B[0] for B in self._blocks])
        weights, biases = init_network(self.sizes, init, np.random.default_rng(seed))
        for B, W, b in zip(self._blocks, weights, biases):
            B[0] = b  # row 0: the weights w_0j of the formal input (seed 000, eq. 1)
            B[1:] = W
        self.weights, self.biases = list(self._views[0]), list(self._views[1])
        self._buffers = {}

    def __repr__(self):
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"seed={self.seed!r}, init={self.init!r})")

    @property
    def loss_name(self):
        """``"cross-entropy"`` for a softmax output, else ``"squared error"``."""
        return "cross-entropy" if self.output == "softmax" else "squared error"

    # ----------------------------------------------------------------- validation
    def sync_params(self):
        """Copy any array assigned into ``weights``/``biases`` into the parameter store (shape-checked)."""
        L = len(self._blocks)
        for name, values in (("weights", self.weights), ("biases", self.biases)):
            if isinstance(values, np.ndarray) or len(values) != L:
                raise ValueError(f"{name} must be a list of {L} arrays, one per layer "
                                 f"(layer sizes {self.sizes}); got "
                                 f"{len(values) if hasattr(values, '__len__') else type(values).__name__}")
        for l in range(L):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            W, b = self.weights[l], self.biases[l]
            if W is not self._views[0][l]:
                W = as_float_array(f"weights[{l}]", W, 2)
                require_shape(f"weights[{l}]", W, (n_in, n_out), f"layer sizes {self.sizes}")
                self._blocks[l][1:] = W
                self.weights[l] = self._views[0][l]
            if b is not self._views[1][l]:
                b = as_float_array(f"biases[{l}]", b, 1)
                require_shape(f"biases[{l}]", b, (n_out,), f"layer sizes {self.sizes}")
                self._blocks[l][0] = b
                self.biases[l] = self._views[1][l]

    def check_inputs(self, X, T=None):
        """Validate a batch: returns ``(X, T)`` as float64 arrays (``T`` may be ``None``).

        ``X``: ``(N, n_0)``; ``T``: ``(N, n_L)``, or integer labels ``(N,)`` for a softmax
        output (converted to one-hot). Raises ``ValueError`` naming the bad argument.
        """
        self.sync_params()
        X = as_float_array("X", X, 2)
        require_shape("X", X, (None, self.sizes[0]), f"the network has {self.sizes[0]} inputs")
        if T is None:
            return X, None
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
        return X, T

    def prepare(self, X, T=None):
        """Validate once and lay the data out for :meth:`step` / :meth:`loss_prepared`: a :class:`Prepared`."""
        X, T = self.check_inputs(X, T)
        return Prepared(X, T)

    # ----------------------------------------------------------------- the fast path
    def _buf(self, N):
        buf = self._buffers.get(N)
        if buf is None:
            if len(self._buffers) > 4:  # keep memory bounded when batch sizes vary
                self._buffers.clear()
            buf = self._buffers[N] = _Buffers(self.sizes, N, self._blocks, self._gblocks)
        return buf

    def _forward_T(self, XT):
        """Forward pass on ``XT`` ``(n_0 + 1, N)`` (ones in row 0); returns the filled buffers.

        Call under ``np.errstate(over="ignore")``: the sigmoid's ``exp(-z)`` may overflow
        to ``inf`` for ``z < -709``, which correctly gives 0.
        """
        buf = self._buf(XT.shape[1])
        layers = buf.layers
        hidden = self.hidden
        A_prev = XT
        for BT, _, Z, A, _, _, _, _ in layers[:-1]:
            np.dot(BT, A_prev, out=Z)  # z_j = sum_{i>=0} y_i w_ij (seed 000, eq. 1)
            if hidden == "sigmoid":  # y_j = f(s_j) (seed 000, eq. 2)
                np.negative(Z, out=Z)
                np.exp(Z, out=Z)
                np.add(Z, 1.0, out=Z)
                np.reciprocal(Z, out=Z)
            else:
                _apply_inplace(hidden, Z)
            A_prev = A
        BT, _, Z, _, _, _, _, _ = layers[-1]
        np.dot(BT, A_prev, out=Z)
        if self.output == "softmax":
            row = buf.row
            np.maximum.reduce(Z, axis=0, out=row)  # shift each example by its largest logit
            np.subtract(Z, row, out=Z)
            np.exp(Z, out=Z)
            np.add.reduce(Z, axis=0, out=row)
            np.divide(Z, row, out=Z)
        else:
            _apply_inplace(self.output, Z)
        return buf

    def _backward_T(self, XT, TT, lam, scale):
        """Forward and backward pass; fills the gradient store with ``scale * dE/d[b; W]``.

        Same calling convention as :meth:`_forward_T`; ``TT`` ``(n_L, N)``.
        """
        layers = self._forward_T(XT).layers
        N = XT.shape[1]
        _, _, O, _, dZ, tmp, _, _ = layers[-1]
        np.subtract(O, TT, out=dZ)  # N dE/dZ(L): o - t (squared error), S - Y (softmax + CE)
        np.multiply(dZ, scale / N, out=dZ)  # the batch mean (seed 000, eq. 6)
        if self.output == "sigmoid":
            _times_derivative_from_output(dZ, O, tmp, "sigmoid")  # seed 000, eq. (23)
        hidden = self.hidden
        for l in range(len(layers) - 1, -1, -1):
            _, W, _, _, _, _, GW, Gb = layers[l]
            A_prev = XT if l == 0 else layers[l - 1][3]
            np.dot(A_prev[1:], dZ.T, out=GW)  # dW = A^T dZ (seed 004, Example 3)
            np.add.reduce(dZ, axis=1, out=Gb)  # db = sum over the examples (the input y_0 = 1)
            if lam:
                GW += (scale * lam / N) * W  # seed 002: + lam Theta / m
            if l > 0:
                _, _, A, _, dA, tmp, _, _ = layers[l - 1]
                np.dot(W, dZ, out=dA)  # dA = dZ W^T (seed 004, Example 2; eq. 34's sum)
                dZ = _times_derivative_from_output(dA, A, tmp, hidden)  # seed 004, Example 1
        return self._grads

    def step(self, XT, TT, lr, lam=0.0):
        """One gradient-descent step ``W <- W - lr dE/dW`` on a batch from :meth:`Prepared.batches`.

        No validation: ``XT`` ``(n_0 + 1, N)`` with ones in row 0, ``TT`` ``(n_L, N)``.
        Call under ``np.errstate(over="ignore")`` (see :meth:`_forward_T`).
        """
        np.subtract(self._params, self._backward_T(XT, TT, lam, lr), out=self._params)

    def loss_prepared(self, data, lam=0.0):
        """The loss of :meth:`loss_and_grads` on a :class:`Prepared` data set."""
        with np.errstate(over="ignore"):
            O = self._forward_T(data.XT).output
        N = data.N
        if self.output == "softmax":
            loss = -np.sum(data.TT * np.log(np.maximum(O, 1e-300))) / N
        else:
            E = data.TT - O  # seed 000, eq. (3)
            loss = 0.5 * np.sum(E * E) / N  # seed 000, eq. (6)
        if lam:
            loss += 0.5 * lam / N * sum(np.sum(W * W) for W in self._views[0])
        return float(loss)

    def predict_prepared(self, data):
        """Predicted labels ``(N,)`` for a :class:`Prepared` data set (see :meth:`predict`)."""
        with np.errstate(over="ignore"):
            O = self._forward_T(data.XT).output
        if O.shape[0] == 1:
            return (O[0] > 0.5).astype(np.int64)
        return np.argmax(O, axis=0)

    def grad_norm_prepared(self, data, lam=0.0):
        """``||grad E||`` over all parameters on a :class:`Prepared` data set (seed 003's criterion)."""
        with np.errstate(over="ignore"):
            return float(np.linalg.norm(self._backward_T(data.XT, data.TT, lam, 1.0)))

    # ----------------------------------------------------------------- the public API
    def forward(self, X):
        """Network output for ``X`` ``(N, n_0)`` (or one example ``(n_0,)``): ``(N, n_L)`` (or ``(n_L,)``).

        Softmax outputs are probabilities (rows sum to 1). Returns a new array.
        """
        X = np.asarray(X)
        if X.ndim == 1:
            return self.forward(X[None, :])[0]
        data = self.prepare(X)
        with np.errstate(over="ignore"):
            return self._forward_T(data.XT).output.T.copy()

    def loss_and_grads(self, X, T, lam=0.0):
        """``(loss, grads_W, grads_b)`` on the batch ``X`` ``(N, n_0)``, ``T`` ``(N, n_L)``.

        Squared error ``E = 1/(2N) sum ||t - o||^2`` for sigmoid/identity outputs,
        mean cross-entropy for softmax (``T`` one-hot or integer labels ``(N,)``), plus
        ``lam/(2N) sum_l ||W(l)||^2``. Gradients are new arrays shaped like
        ``weights`` (``(n_{l-1}, n_l)``) and ``biases`` (``(n_l,)``).
        """
        lam = float(lam)
        if lam < 0:
            raise ValueError(f"lam must be >= 0 (a regularisation strength); got {lam}")
        data = self.prepare(X, T)
        if data.N == 0:
            raise ValueError("X has no rows; the loss is a mean over at least one example")
        loss = self.loss_prepared(data, lam)
        with np.errstate(over="ignore"):
            self._backward_T(data.XT, data.TT, lam, 1.0)
        return (loss, [G[1:].copy() for G in self._gblocks], [G[0].copy() for G in self._gblocks])

    def predict(self, X):
        """Class labels ``(N,)`` for ``X`` ``(N, n_0)``: the argmax of the output, or
        ``output > 0.5`` for a single output unit."""
        return self.predict_prepared(self.prepare(np.atleast_2d(np.asarray(X, dtype=np.float64))))

    def accuracy(self, X, y):
        """Fraction of rows of ``X`` ``(N, n_0)`` whose predicted label equals ``y`` ``(N,)``."""
        y = np.asarray(y)
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape}; expected ({X.shape[0]},), one label per row of X")
        return float(np.mean(self.predict(X) == y))

    def copy(self):
        """An independent copy (same sizes, activations and current parameters)."""
        self.sync_params()
        other = MLP(self.sizes, self.hidden, self.output, self.seed, "zeros")
        other.init = self.init
        other._params[...] = self._params
        return other


__all__ = ["MLP", "Prepared", "HIDDEN", "OUTPUT"]
