"""A multilayer perceptron in matrix (batch) form (the Ng-notation guide, the handbook chapter; lessons 05, 07, 09).

Rows are examples, as everywhere in the course: ``X`` is ``(N, n_0)``, layer ``l``
computes ``Z(l) = A(l-1) W(l) + b(l)`` and ``A(l) = f(Z(l))`` with ``W(l)`` of shape
``(n_{l-1}, n_l)``. :class:`MLP` chains the handbook chapter's building blocks from
:mod:`bptutor.reference.matrix`:

* forward: :func:`dense_forward`, then the activation, layer by layer, keeping every ``A(l)``;
* output: sigmoid or identity with ``E = 1/(2N) sum ||t - o||^2`` (the per-neuron article, eq. 6), or
  softmax with mean cross-entropy, whose ``dE/dZ`` is ``(S - T) / N`` (lesson 06);
* backward: :func:`dense_backward` gives ``dA(l-1) = dZ(l) W(l)^T`` (the handbook chapter, Example 2),
  ``dW(l) = A(l-1)^T dZ(l)`` (Example 3) and ``db(l) = sum_rows dZ(l)``; then
  ``dZ(l-1) = dA(l-1) * f'(Z(l-1))`` with ``f'`` written through ``A`` (Example 1);
* the Ng-notation guide's regularisation adds ``lam/N W(l)`` to ``dW(l)``; biases are not regularised.

With sigmoid hidden and output layers :meth:`MLP.loss_and_grads` returns the numbers of
:func:`bptutor.reference.mlp_loss_and_grads`. The same network tuned for speed (examples as
columns, no allocation per batch) is :class:`bptutor.fast_mlp.FastMLP`: same interface,
same numbers up to round-off; :func:`bptutor.reference.train_mlp` and the benchmark use it.

Where the code's indices differ from the course's: the course numbers layers ``1..L``,
Python lists from 0, so ``weights[l]`` is the course's ``W(l+1)`` and ``A[l]`` (the list
of activations, ``A[0] = X``) is the input of ``weights[l]``.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .init import init_network
from .losses import cross_entropy, one_hot, softmax, squared_error
from .matrix import dense_backward, dense_forward, sigmoid_backward
from .shapes import as_float_array, require_shape

__all__ = ["MLP", "Prepared", "HIDDEN", "OUTPUT", "check_architecture", "check_data", "check_params"]

HIDDEN = ("sigmoid", "tanh", "relu")
OUTPUT = ("sigmoid", "softmax", "identity")


def activate(name, Z):
    """``f(Z)`` for an activation name of :data:`HIDDEN` or :data:`OUTPUT`; ``Z`` ``(N, n)``."""
    if name == "softmax":
        return softmax(Z)  # row by row: each example's outputs sum to 1
    f, _ = get_activation(name)
    return f(Z)


def activation_backward(name, dA, A):
    """``dZ = dA * f'(Z)`` with ``f'`` written through the output ``A`` (the handbook chapter, Example 1)."""
    if name == "sigmoid":
        return sigmoid_backward(dA, A)  # dA * A (1 - A), the per-neuron article eq. (15)
    _, f_prime_from_output = get_activation(name)
    return dA * f_prime_from_output(A)  # tanh: 1 - A^2 (eq. 14); relu: 1 where A > 0


class Classifier:
    """``predict`` and ``accuracy`` for a network that has ``prepare`` and ``predict_prepared``."""

    def predict(self, X):
        """Class labels ``(N,)`` for ``X`` ``(N, n_0)``: the argmax of the output (``> 0.5`` for one unit)."""
        return self.predict_prepared(self.prepare(np.atleast_2d(np.asarray(X, dtype=np.float64))))

    def accuracy(self, X, y):
        """Fraction of rows of ``X`` ``(N, n_0)`` whose predicted label equals ``y`` ``(N,)``."""
        y = np.asarray(y)
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape}; expected ({X.shape[0]},), one label per row of X")
        return float(np.mean(self.predict(X) == y))


class MLP(Classifier):
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    ``hidden``: activation of the hidden layers (``"sigmoid"``, ``"tanh"``, ``"relu"``).
    ``output``: ``"sigmoid"`` or ``"identity"`` (squared error, targets ``(N, n_L)``) or
    ``"softmax"`` (cross-entropy, targets one-hot ``(N, n_L)`` or integer labels ``(N,)``).
    ``init``: ``"seed000"`` (the per-neuron article's uniform ``[-1/(2L), 1/(2L)]``), ``"sqrt"``
    (``[-1/sqrt(L), 1/sqrt(L)]``), ``"zeros"``, or a float scale for ``scale * N(0, 1)``;
    see :mod:`bptutor.reference.init`. ``seed`` makes the initial weights reproducible.

    ``weights`` (list of ``(n_{l-1}, n_l)`` arrays) and ``biases`` (list of ``(n_l,)``
    arrays) are the network's parameters: writing into them (``net.weights[0][...] = W``)
    changes the network, training updates them in place, and arrays assigned in their
    place (``net.weights[0] = W`` or ``net.weights = [...]``) are copied into the
    network's own arrays, after a shape check, at the next call of a public method.
    """

    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", seed=0, init="seed000"):
        self.sizes = check_architecture(sizes, hidden, output)
        self.hidden, self.output, self.init, self.seed = hidden, output, init, seed
        self.weights, self.biases = init_network(self.sizes, init, np.random.default_rng(seed))
        self._own = (list(self.weights), list(self.biases))  # the arrays training updates

    # ----------------------------------------------------------------- the maths
    def activations(self, X):
        """Forward pass on a batch ``X`` ``(N, n_0)``: the list ``[A(0) = X, A(1), ..., A(L) = O]``.

        ``A[l]`` has shape ``(N, n_l)``; the backward pass reads them all.
        """
        L = len(self.weights)
        A = [X]
        for l in range(L):
            Z = dense_forward(A[l], self.weights[l], self.biases[l])  # Z = A(l-1) W(l) + b(l)
            A.append(activate(self.output if l == L - 1 else self.hidden, Z))  # A(l) = f(Z(l))
        return A

    def loss(self, O, T, lam=0.0):
        """The loss of outputs ``O`` against targets ``T``, both ``(N, n_L)``, with the ``lam`` term (Ng's guide)."""
        E = cross_entropy(O, T) if self.output == "softmax" else squared_error(O, T)  # eq. (6)
        if lam:
            E += 0.5 * lam / O.shape[0] * sum(np.sum(W * W) for W in self.weights)
        return float(E)

    def gradients(self, A, T, lam=0.0):
        """Backward pass: ``(grads_W, grads_b)`` from the activations ``A`` of :meth:`activations` and ``T``.

        ``T`` ``(N, n_L)``; the gradients are shaped like ``weights`` and ``biases``.
        """
        O, N, L = A[-1], A[0].shape[0], len(self.weights)
        if self.output == "softmax":
            dZ = (O - T) / N  # softmax + cross-entropy: (S - Y) / N (lesson 06)
        elif self.output == "sigmoid":
            dZ = sigmoid_backward((O - T) / N, O)  # dE/dO = (o - t)/N, times o(1 - o): eq. (23)
        else:
            dZ = (O - T) / N  # identity output: dZ = dE/dO
        grads_W, grads_b = [None] * L, [None] * L
        for l in range(L - 1, -1, -1):
            dA_prev, grads_W[l], grads_b[l] = dense_backward(dZ, A[l], self.weights[l])  # Examples 2-3
            if lam:
                grads_W[l] = grads_W[l] + (lam / N) * self.weights[l]  # the Ng-notation guide: + lam Theta / m
            if l > 0:
                dZ = activation_backward(self.hidden, dA_prev, A[l])  # Example 1 (eq. 34's f')
        return grads_W, grads_b

    # ----------------------------------------------------------------- the public API
    def forward(self, X):
        """Network output for ``X`` ``(N, n_0)`` (or one example ``(n_0,)``): ``(N, n_L)`` (or ``(n_L,)``).

        Softmax outputs are probabilities (rows sum to 1). Returns a new array.
        """
        X = np.asarray(X)
        if X.ndim == 1:
            return self.forward(X[None, :])[0]
        X, _ = self.check_inputs(X)
        return self.activations(X)[-1]

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
        X, T = self.check_inputs(X, T)
        if X.shape[0] == 0:
            raise ValueError("X has no rows; the loss is a mean over at least one example")
        A = self.activations(X)
        grads_W, grads_b = self.gradients(A, T, lam)
        return self.loss(A[-1], T, lam), grads_W, grads_b


    @property
    def loss_name(self):
        """``"cross-entropy"`` for a softmax output, else ``"squared error"``."""
        return "cross-entropy" if self.output == "softmax" else "squared error"

    def copy(self):
        """An independent copy (same sizes, activations and current parameters)."""
        self.sync_params()
        other = type(self)(self.sizes, self.hidden, self.output, self.seed, "zeros")
        other.init = self.init
        for mine, theirs in zip(self.weights + self.biases, other.weights + other.biases):
            theirs[...] = mine
        return other

    def __repr__(self):
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"seed={self.seed!r}, init={self.init!r})")

    # ----------------------------------------------------------------- training protocol
    # bptutor.reference.train validates the data once (prepare) and then calls step batch
    # after batch, with the loss, the predictions and the gradient norm once per epoch.
    def prepare(self, X, T=None):
        """Validate ``X`` ``(N, n_0)`` and ``T`` once (see :meth:`check_inputs`): a :class:`Prepared`."""
        X, T = self.check_inputs(X, T)
        return Prepared(X, T)

    def step(self, X, T, lr, lam=0.0):
        """One gradient-descent step ``W <- W - lr dE/dW`` on a batch from :meth:`Prepared.batches`.

        ``X`` ``(N, n_0)``, ``T`` ``(N, n_L)``, already validated: nothing is checked here.
        """
        grads_W, grads_b = self.gradients(self.activations(X), T, lam)
        for p, g in zip(self.weights + self.biases, grads_W + grads_b):
            p -= lr * g  # in place: the arrays in weights/biases are the network's

    def loss_prepared(self, data, lam=0.0):
        """The loss of :meth:`loss_and_grads` on a :class:`Prepared` data set."""
        return self.loss(self.activations(data.X)[-1], data.T, lam)

    def predict_prepared(self, data):
        """Predicted labels ``(N,)`` for a :class:`Prepared` data set (see :meth:`predict`)."""
        O = self.activations(data.X)[-1]
        if O.shape[1] == 1:
            return (O[:, 0] > 0.5).astype(np.int64)
        return np.argmax(O, axis=1)

    def grad_norm_prepared(self, data, lam=0.0):
        """``||grad E||`` over all parameters on a :class:`Prepared` data set (the lecture slides's criterion)."""
        grads_W, grads_b = self.gradients(self.activations(data.X), data.T, lam)
        return float(np.sqrt(sum(np.sum(g * g) for g in grads_W + grads_b)))

    # ----------------------------------------------------------------- validation
    def check_inputs(self, X, T=None):
        """Validate a batch: returns ``(X, T)`` as float64 arrays (``T`` may be ``None``).

        ``X``: ``(N, n_0)``; ``T``: ``(N, n_L)``, or integer labels ``(N,)`` for a softmax
        output (converted to one-hot). Raises ``ValueError`` naming the bad argument.
        """
        self.sync_params()
        return check_data(X, T, self.sizes, self.output)

    def sync_params(self):
        """Copy any array assigned into ``weights``/``biases`` into the network's own arrays (shape-checked)."""
        weights, biases = check_params(self.weights, self.biases, self.sizes)
        for own, given in zip(self._own[0] + self._own[1], weights + biases):
            if given is not own:
                own[...] = given
        self.weights, self.biases = list(self._own[0]), list(self._own[1])


@dataclass
class Prepared:
    """A data set validated once by :meth:`MLP.prepare`.

    ``X`` ``(N, n_0)``; ``T`` ``(N, n_L)`` (one-hot for a softmax output), or ``None``.
    """

    X: np.ndarray
    T: np.ndarray | None

    @property
    def N(self):
        """The number of examples."""
        return self.X.shape[0]

    def batches(self, size, order=None):
        """Yield ``(X_batch, T_batch)`` of ``size`` rows (the last may be shorter) in the order ``order``.

        ``order``: a permutation of ``range(N)``, or ``None`` for the stored order.
        """
        X, T = (self.X, self.T) if order is None else (self.X[order], self.T[order])
        for start in range(0, self.N, size):
            yield X[start:start + size], T[start:start + size]


# ----------------------------------------------------------------- checks shared with FastMLP
def check_architecture(sizes, hidden, output):
    """Validate an MLP's layer sizes and activation names; return ``sizes`` as a list of ints."""
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
    return [int(n) for n in sizes]


def check_params(weights, biases, sizes):
    """Validate ``weights``/``biases`` against layer ``sizes``; return them as lists of float64 arrays.

    Arrays that are already float64 come back as the same objects (not copies).
    """
    L = len(sizes) - 1
    for name, values in (("weights", weights), ("biases", biases)):
        if isinstance(values, np.ndarray) or not hasattr(values, "__len__") or len(values) != L:
            raise ValueError(f"{name} must be a list of {L} arrays, one per layer "
                             f"(layer sizes {sizes}); got "
                             f"{len(values) if hasattr(values, '__len__') else type(values).__name__}")
    checked_W, checked_b = [], []
    for l in range(L):
        W = as_float_array(f"weights[{l}]", weights[l], 2)
        require_shape(f"weights[{l}]", W, (sizes[l], sizes[l + 1]), f"layer sizes {sizes}")
        b = as_float_array(f"biases[{l}]", biases[l], 1)
        require_shape(f"biases[{l}]", b, (sizes[l + 1],), f"layer sizes {sizes}")
        checked_W.append(W)
        checked_b.append(b)
    return checked_W, checked_b


def check_data(X, T, sizes, output):
    """Validate inputs ``X`` ``(N, n_0)`` and targets ``T`` for an MLP; return ``(X, T)`` as float64.

    ``T``: ``(N, n_L)``, integer labels ``(N,)`` for a softmax output (converted to
    one-hot), or ``None``. Raises ``ValueError`` naming the bad argument.
    """
    X = as_float_array("X", X, 2)
    require_shape("X", X, (None, sizes[0]), f"the network has {sizes[0]} inputs")
    if T is None:
        return X, None
    T = np.asarray(T)
    if T.ndim == 1 and np.issubdtype(T.dtype, np.integer) and output == "softmax":
        require_shape("T", T, (X.shape[0],), f"X has {X.shape[0]} rows")
        if T.size and (T.min() < 0 or T.max() >= sizes[-1]):
            raise ValueError(f"labels T must lie in [0, {sizes[-1]}); got range [{T.min()}, {T.max()}]")
        T = one_hot(T, sizes[-1])
    T = as_float_array("T", T, 2)
    require_shape("T", T, (X.shape[0], sizes[-1]), "one row per example of X, one column per output unit")
    return X, T
