"""Gradient-descent training in the three modes of the Wikipedia article, with the lecture slides's stopping criteria.

* ``"online"`` -- one example at a time, a fresh random order every epoch (the per-neuron article,
  steps 2-7; the Wikipedia article's on-line / stochastic mode);
* ``"batch"`` -- one step per epoch on the gradient of the whole training set (the Wikipedia article);
* ``"minibatch"`` -- steps on consecutive slices of ``batch_size`` examples of a random
  permutation (the lecture slides's loop: epochs -> batches -> forward -> backward -> update).

Each step is ``W <- W - lr dE/dW`` (course sign; the per-neuron article's ``w <- w + eta delta y``,
eq. 22, is the same step). After each epoch the loss on the whole training set is
recorded (the per-neuron article, step 8, eq. 6) and training stops early when ``tol`` is given and

* ``stop="loss"``: ``|E(n+1) - E(n)| < tol`` (the lecture slides), or
* ``stop="grad"``: ``||grad E|| < tol`` over all parameters (the lecture slides).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

MODES = ("online", "batch", "minibatch")
STOPS = ("loss", "grad")


@dataclass
class History:
    """What :func:`train` recorded, one entry per completed epoch.

    ``loss``: loss on the whole training set after the epoch (including the ``lam`` term).
    ``accuracy``: training accuracy after the epoch, when labels were available, else empty.
    ``grad_norm``: ``||grad E||`` on the whole training set (only with ``stop="grad"``).
    ``seconds``: wall time of each epoch's updates (not counting the recording).
    ``stopped``: why training ended before ``epochs`` (empty string if it did not).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stopped: str = ""

    @property
    def epochs(self) -> int:
        """Number of epochs completed."""
        return len(self.seconds)

    def __repr__(self):
        last = f", final loss {self.loss[-1]:.4g}" if self.loss else ""
        acc = f", accuracy {self.accuracy[-1]:.3f}" if self.accuracy else ""
        why = f", stopped: {self.stopped}" if self.stopped else ""
        return f"History({self.epochs} epochs{last}{acc}{why})"


def _check_options(mode, lr, epochs, batch_size, lam, tol, stop, callback):
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {list(MODES)}")
    if stop not in STOPS:
        raise ValueError(f"unknown stop {stop!r}; choose 'loss' (|E(n+1) - E(n)| < tol) "
                         "or 'grad' (||grad E|| < tol)")
    lr = float(lr)
    if not lr > 0:
        raise ValueError(f"lr must be a positive learning rate; got {lr}")
    if int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer; got {epochs!r}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    lam = float(lam)
    if lam < 0:
        raise ValueError(f"lam must be >= 0 (a regularisation strength); got {lam}")
    if tol is not None and not float(tol) > 0:
        raise ValueError(f"tol must be a positive number or None; got {tol!r}")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable as callback(history) or None; "
                         f"got {type(callback).__name__}")
    return lr, int(epochs), int(batch_size), lam


def train(model, X, T, mode="minibatch", lr=0.5, epochs=30, batch_size=32, lam=0.0, seed=0,
          callback=None, tol=None, stop="loss", labels=None, record=True):
    """Train ``model`` (an :class:`~bptutor.reference.mlp.MLP` or a ``FastMLP``) in place; return a :class:`History`.

    ``X``: ``(N, n_0)``; ``T``: targets ``(N, n_L)`` or, for a softmax output, integer
    labels ``(N,)``. Accuracy is recorded when labels are known: ``T`` given as labels,
    or ``labels`` ``(N,)`` passed explicitly. ``mode``: ``"online"``, ``"batch"`` or
    ``"minibatch"`` (``batch_size`` rows per step). ``lam``: the Ng-notation guide's weight decay.
    ``seed`` fixes the order of the examples. ``callback(history)`` runs after every
    epoch; returning ``True`` stops training. ``tol`` with ``stop`` selects the lecture slides's
    stopping criterion (see the module docstring). ``record=False`` skips the
    end-of-epoch evaluation (for timing the updates alone; ``tol`` then cannot be used).
    """
    lr, epochs, batch_size, lam = _check_options(mode, lr, epochs, batch_size, lam, tol, stop,
                                                 callback)
    if tol is not None and not record:
        raise ValueError("tol needs the per-epoch loss: leave record=True to use a stopping criterion")
    if labels is None and np.ndim(T) == 1 and np.issubdtype(np.asarray(T).dtype, np.integer):
        labels = np.asarray(T)
    data = model.prepare(X, T)  # validated once; the loop below runs unchecked
    N = data.N
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (N,):
            raise ValueError(f"labels has shape {labels.shape}; expected ({N},), one per row of X")
    if N == 0:
        raise ValueError("X has no rows; training needs at least one example")
    step = {"online": 1, "batch": N, "minibatch": batch_size}[mode]
    rng = np.random.default_rng(seed)
    history = History()
    for _ in range(epochs):
        start_time = time.perf_counter()
        # the per-neuron article, step 7: every example once, in a fresh random order (batch mode: order is moot)
        order = rng.permutation(N) if step < N else None
        # a sigmoid's exp(-z) may overflow to inf for z < -709, which rightly gives 0
        with np.errstate(over="ignore"):
            for X_batch, T_batch in data.batches(step, order):
                model.step(X_batch, T_batch, lr, lam)  # forward, backward, W <- W - lr dE/dW
        history.seconds.append(time.perf_counter() - start_time)
        if not record:
            if callback is not None and callback(history) is True:
                history.stopped = "callback asked to stop"
                break
            continue
        history.loss.append(model.loss_prepared(data, lam))  # the per-neuron article, step 8: eq. (6)
        if labels is not None:
            history.accuracy.append(float(np.mean(model.predict_prepared(data) == labels)))
        if stop == "grad" and tol is not None:
            history.grad_norm.append(model.grad_norm_prepared(data, lam))
        if not np.isfinite(history.loss[-1]):
            history.stopped = "diverged: the loss became inf or NaN (try a smaller lr)"
            break
        if tol is not None:
            if stop == "grad" and history.grad_norm[-1] < tol:
                history.stopped = f"||grad E|| = {history.grad_norm[-1]:.3g} < tol = {tol:g}"
                break
            if stop == "loss" and len(history.loss) > 1 and \
                    abs(history.loss[-1] - history.loss[-2]) < tol:
                history.stopped = (f"|E(n+1) - E(n)| = {abs(history.loss[-1] - history.loss[-2]):.3g}"
                                   f" < tol = {tol:g}")
                break
        if callback is not None and callback(history) is True:
            history.stopped = "callback asked to stop"
            break
    return history
