"""The tuned matrix-form network: :class:`bptutor.reference.MLP`'s numbers, computed fast.

:class:`FastMLP` has the interface of :class:`bptutor.reference.MLP` (same constructor,
``weights``/``biases``, ``loss_and_grads``, ``predict``, and the ``prepare``/``step``
protocol :func:`bptutor.reference.train` drives) and computes the same function; only
the order of the floating-point operations differs, so results agree to round-off.
:func:`bptutor.reference.train_mlp` (assignment a6's reference) and
``benchmarks/train_digits.py`` use it. Read the reference class to learn the maths;
read this one to see what the same maths costs when nothing is wasted.

What makes it fast, and how it maps to the course's notation:

* **Examples as columns** (the layout of the Ng-notation guide and the lecture slides): a batch is ``X^T`` of shape
  ``(n_0 + 1, N)``, and layer ``l`` computes ``Z(l)^T = [b; W]^T [1; A(l-1)^T]``.
* **The bias as a weight** (the per-neuron article, eq. 1): ``[b; W]`` is one block of shape
  ``(n_{l-1} + 1, n_l)`` -- ``biases[l]`` is its row 0, ``weights[l]`` the rows below,
  both views -- and each layer's input carries a row of ones on top, so one matrix
  product includes the bias and ``db`` lands next to ``dW`` in one gradient block
  ``[db; dW]``.
* **One flat parameter array**: every ``[b; W]`` block is a view into it, so an SGD
  step is a single subtraction; the gradients live in a twin array.
* **No allocation per batch**: a :class:`LayerBuffers` per layer and batch size holds
  every intermediate; activations are computed in place; the softmax reduces along
  contiguous rows.
* **Validation once**: :meth:`FastMLP.prepare` checks the data and lays it out;
  :meth:`FastMLP.step` then runs unchecked, batch after batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .reference.init import init_network
from .reference.mlp import Classifier, check_architecture, check_data, check_params

__all__ = ["FastMLP", "Prepared", "LayerBuffers"]


def _apply_inplace(name, Z):
    """``Z <- f(Z)`` in place for an activation name; call under ``np.errstate(over="ignore")``.

    The sigmoid is ``1 / (1 + exp(-z))``: for ``z < -709`` ``exp(-z)`` overflows to
    ``inf`` and the result is the correct 0.
    """
    if name == "sigmoid":  # y_j = f(s_j) (the per-neuron article, eq. 2)
        np.negative(Z, out=Z)
        np.exp(Z, out=Z)
        np.add(Z, 1.0, out=Z)
        np.reciprocal(Z, out=Z)
    elif name == "tanh":
        np.tanh(Z, out=Z)
    elif name == "relu":
        np.maximum(Z, 0.0, out=Z)
    return Z  # identity: nothing to do


def _times_derivative_from_output(dA, A, tmp, name):
    """``dA <- dA * f'(Z)`` with ``f'`` written through the output ``A`` (the handbook chapter, Example 1)."""
    if name == "sigmoid":
        np.subtract(1.0, A, out=tmp)
        np.multiply(tmp, A, out=tmp)  # the per-neuron article, eq. (15): f' = y (1 - y)
        np.multiply(dA, tmp, out=dA)
    elif name == "tanh":
        np.multiply(A, A, out=tmp)
        np.subtract(1.0, tmp, out=tmp)  # the per-neuron article, eq. (14): f' = 1 - y^2
        np.multiply(dA, tmp, out=dA)
    elif name == "relu":
        np.greater(A, 0.0, out=tmp)
        np.multiply(dA, tmp, out=dA)
    return dA


@dataclass(eq=False, slots=True)
class LayerBuffers:
    """One layer's arrays for a batch of ``N`` examples, examples as columns.

    Shapes for layer ``l`` with ``n_l`` units fed by ``n_{l-1}``:

    * ``BT`` ``(n_l, n_{l-1} + 1)``: the parameter block ``[b; W]`` transposed (a view);
    * ``W`` ``(n_{l-1}, n_l)``: the weights alone (a view, for ``dA = W dZ`` and ``lam W``);
    * ``Z`` ``(n_l, N)``: the pre-activation, overwritten in place by the activation;
    * ``A``: the activation with the next layer's row of ones on top, ``(n_l + 1, N)``
      (``Z`` is then ``A[1:]``); for the output layer ``A`` is ``Z``, ``(n_l, N)``;
    * ``dA`` ``(n_l, N)``: the gradient with respect to ``A``, then (in place) ``Z``;
    * ``tmp`` ``(n_l, N)``: scratch for ``f'``;
    * ``GW`` ``(n_{l-1}, n_l)`` and ``Gb`` ``(n_l,)``: views into the gradient store;
    * ``row`` ``(N,)``: scratch for one number per example (the softmax's maximum and sum).
    """

    BT: np.ndarray
    W: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dA: np.ndarray
    tmp: np.ndarray
    GW: np.ndarray
    Gb: np.ndarray
    row: np.ndarray

    @classmethod
    def allocate(cls, block, gblock, N, is_output):
        """Buffers for the layer whose parameters are ``block`` ``[b; W]`` (gradients: ``gblock``)."""
        n = block.shape[1]
        if is_output:
            A = Z = np.empty((n, N))
        else:
            A = np.empty((n + 1, N))
            A[0] = 1.0  # the formal input y_0 = 1 of the next layer (the per-neuron article, eq. 1)
            Z = A[1:]  # Z(l) is written straight into the rows below the ones
        return cls(block.T, block[1:], Z, A, np.empty((n, N)), np.empty((n, N)), gblock[1:], gblock[0],
                   np.empty(N))


class Prepared:
    """A data set validated once and laid out for the fast path.

    ``X`` ``(N, n_0 + 1)``: the examples as rows with the formal input 1 in column 0
    (the per-neuron article, eq. 1); ``T`` ``(N, n_L)`` (one-hot for softmax). The fast path reads
    both through transposed views (examples as columns); BLAS takes them as they are.
    """

    def __init__(self, X, T):
        N = X.shape[0]
        self.N = N
        self.X = np.empty((N, X.shape[1] + 1))
        self.X[:, 0] = 1.0  # the formal input y_0 = 1 (the per-neuron article, eq. 1)
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


class FastMLP(Classifier):
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``, tuned for speed.

    Arguments, attributes and methods as :class:`bptutor.reference.MLP` (see there):
    ``hidden`` in ``"sigmoid"``, ``"tanh"``, ``"relu"``; ``output`` in ``"sigmoid"``,
    ``"identity"`` (squared error) or ``"softmax"`` (cross-entropy); ``init`` a rule of
    :mod:`bptutor.reference.init` or a float scale; ``seed`` for the initial weights.

    ``weights`` (``(n_{l-1}, n_l)`` arrays) and ``biases`` (``(n_l,)`` arrays) are views
    into the parameter store: writing into them changes the network, training updates
    them in place, and arrays assigned in their place are copied into the store, after
    a shape check, at the next call of a public method.
    """

    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", seed=0, init="seed000"):
        self.sizes = check_architecture(sizes, hidden, output)
        self.hidden, self.output, self.init, self.seed = hidden, output, init, seed
        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        offsets = np.cumsum([0] + [a * b for a, b in shapes])
        self._params = np.zeros(offsets[-1])  # every [b; W] block, one flat array
        self._grads = np.zeros(offsets[-1])
        self._blocks = [self._params[o:o + a * b].reshape(a, b) for o, (a, b) in zip(offsets[:-1], shapes)]
        self._gblocks = [self._grads[o:o + a * b].reshape(a, b) for o, (a, b) in zip(offsets[:-1], shapes)]
        self._views = ([B[1:] for B in self._blocks], [B[0] for B in self._blocks])
        weights, biases = init_network(self.sizes, init, np.random.default_rng(seed))
        for B, W, b in zip(self._blocks, weights, biases):
            B[0] = b  # row 0: the weights w_0j of the formal input (the per-neuron article, eq. 1)
            B[1:] = W
        self.weights, self.biases = list(self._views[0]), list(self._views[1])
        self._buffers = {}

    def __repr__(self):
        return (f"FastMLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"seed={self.seed!r}, init={self.init!r})")

    @property
    def loss_name(self):
        """``"cross-entropy"`` for a softmax output, else ``"squared error"``."""
        return "cross-entropy" if self.output == "softmax" else "squared error"

    # ----------------------------------------------------------------- validation
    def sync_params(self):
        """Copy any array assigned into ``weights``/``biases`` into the parameter store (shape-checked)."""
        own_W, own_b = self._views
        self.weights, self.biases = check_params(self.weights, self.biases, self.sizes)
        for l, B in enumerate(self._blocks):
            if self.weights[l] is not own_W[l]:
                B[1:] = self.weights[l]
                self.weights[l] = own_W[l]
            if self.biases[l] is not own_b[l]:
                B[0] = self.biases[l]
                self.biases[l] = own_b[l]

    def check_inputs(self, X, T=None):
        """Validate a batch: ``(X, T)`` as float64 arrays; see :meth:`bptutor.reference.MLP.check_inputs`."""
        self.sync_params()
        return check_data(X, T, self.sizes, self.output)

    def prepare(self, X, T=None):
        """Validate once and lay the data out for :meth:`step` / :meth:`loss_prepared`: a :class:`Prepared`."""
        X, T = self.check_inputs(X, T)
        return Prepared(X, T)

    # ----------------------------------------------------------------- the fast path
    def _layers(self, N):
        """The :class:`LayerBuffers` of every layer for batches of ``N`` examples (built once per ``N``)."""
        layers = self._buffers.get(N)
        if layers is None:
            if len(self._buffers) > 4:  # keep memory bounded when batch sizes vary
                self._buffers.clear()
            L = len(self._blocks)
            layers = self._buffers[N] = [LayerBuffers.allocate(B, G, N, l == L - 1)
                                         for l, (B, G) in enumerate(zip(self._blocks, self._gblocks))]
        return layers

    def _forward_T(self, XT):
        """Forward pass on ``XT`` ``(n_0 + 1, N)`` (ones in row 0); returns the filled layer buffers.

        Call under ``np.errstate(over="ignore")`` (see :func:`_apply_inplace`).
        """
        N = XT.shape[1]
        layers = self._layers(N)
        A_prev = XT
        for layer in layers[:-1]:
            np.dot(layer.BT, A_prev, out=layer.Z)  # z_j = sum_{i>=0} y_i w_ij (the per-neuron article, eq. 1)
            _apply_inplace(self.hidden, layer.Z)
            A_prev = layer.A
        out = layers[-1]
        Z = out.Z
        np.dot(out.BT, A_prev, out=Z)
        if self.output == "softmax":
            row = out.row
            np.maximum.reduce(Z, axis=0, out=row)  # shift each example by its largest logit
            np.subtract(Z, row, out=Z)
            np.exp(Z, out=Z)
            np.add.reduce(Z, axis=0, out=row)
            np.divide(Z, row, out=Z)
        else:
            _apply_inplace(self.output, Z)
        return layers

    def _backward_T(self, XT, TT, lam, scale):
        """Forward and backward pass; fills the gradient store with ``scale * dE/d[b; W]``.

        Same calling convention as :meth:`_forward_T`; ``TT`` ``(n_L, N)``.
        """
        layers = self._forward_T(XT)
        N = XT.shape[1]
        out = layers[-1]
        dZ = out.dA
        O = out.Z  # the output (Z overwritten by the activation)
        np.subtract(O, TT, out=dZ)  # N dE/dZ(L): o - t (squared error), S - Y (softmax + CE)
        np.multiply(dZ, scale / N, out=dZ)  # the batch mean (the per-neuron article, eq. 6)
        if self.output == "sigmoid":
            _times_derivative_from_output(dZ, O, out.tmp, "sigmoid")  # the per-neuron article, eq. (23)
        for l in range(len(layers) - 1, -1, -1):
            layer = layers[l]
            A_prev = XT if l == 0 else layers[l - 1].A
            np.dot(A_prev[1:], dZ.T, out=layer.GW)  # dW = A^T dZ (the handbook chapter, Example 3)
            np.add.reduce(dZ, axis=1, out=layer.Gb)  # db = sum over the examples (the input y_0 = 1)
            if lam:
                layer.GW += (scale * lam / N) * layer.W  # the Ng-notation guide: + lam Theta / m
            if l > 0:
                below = layers[l - 1]
                np.dot(layer.W, dZ, out=below.dA)  # dA = dZ W^T (the handbook chapter, Example 2; eq. 34's sum)
                # Example 1: f' through the activation, which overwrote Z (no row of ones)
                dZ = _times_derivative_from_output(below.dA, below.Z, below.tmp, self.hidden)
        return self._grads

    def step(self, XT, TT, lr, lam=0.0):
        """One gradient-descent step ``W <- W - lr dE/dW`` on a batch from :meth:`Prepared.batches`.

        No validation: ``XT`` ``(n_0 + 1, N)`` with ones in row 0, ``TT`` ``(n_L, N)``.
        Call under ``np.errstate(over="ignore")`` (see :func:`_apply_inplace`).
        """
        np.subtract(self._params, self._backward_T(XT, TT, lam, lr), out=self._params)

    def loss_prepared(self, data, lam=0.0):
        """The loss of :meth:`loss_and_grads` on a :class:`Prepared` data set."""
        with np.errstate(over="ignore"):
            O = self._forward_T(data.XT)[-1].Z
        N = data.N
        if self.output == "softmax":
            loss = -np.sum(data.TT * np.log(np.maximum(O, 1e-300))) / N
        else:
            E = data.TT - O  # the per-neuron article, eq. (3)
            loss = 0.5 * np.sum(E * E) / N  # the per-neuron article, eq. (6)
        if lam:
            loss += 0.5 * lam / N * sum(np.sum(W * W) for W in self._views[0])
        return float(loss)

    def predict_prepared(self, data):
        """Predicted labels ``(N,)`` for a :class:`Prepared` data set (see :meth:`predict`)."""
        with np.errstate(over="ignore"):
            O = self._forward_T(data.XT)[-1].Z
        if O.shape[0] == 1:
            return (O[0] > 0.5).astype(np.int64)
        return np.argmax(O, axis=0)

    def grad_norm_prepared(self, data, lam=0.0):
        """``||grad E||`` over all parameters on a :class:`Prepared` data set (the lecture slides's criterion)."""
        with np.errstate(over="ignore"):
            return float(np.linalg.norm(self._backward_T(data.XT, data.TT, lam, 1.0)))

    # ----------------------------------------------------------------- the public API
    def forward(self, X):
        """Network output for ``X`` ``(N, n_0)`` (or one example ``(n_0,)``): ``(N, n_L)`` (or ``(n_L,)``)."""
        X = np.asarray(X)
        if X.ndim == 1:
            return self.forward(X[None, :])[0]
        data = self.prepare(X)
        with np.errstate(over="ignore"):
            return self._forward_T(data.XT)[-1].Z.T.copy()

    def loss_and_grads(self, X, T, lam=0.0):
        """``(loss, grads_W, grads_b)`` on the batch ``X`` ``(N, n_0)``, ``T`` ``(N, n_L)`` (see the reference)."""
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


    def copy(self):
        """An independent copy (same sizes, activations and current parameters)."""
        self.sync_params()
        other = FastMLP(self.sizes, self.hidden, self.output, self.seed, "zeros")
        other.init = self.init
        other._params[...] = self._params
        return other
