"""Pictures for lesson 09, the capstone: a multilayer perceptron on 8x8 handwritten digits.

* :func:`confusion_matrix` -- counts of (true label, predicted label), ``(C, C)``;
* :func:`plot_training` -- loss and accuracy per epoch;
* :func:`plot_confusion_matrix`, :func:`plot_digits`, :func:`plot_misclassified`;
* :func:`plot_first_layer_weights` -- each hidden unit's incoming weights as an 8x8 image;
* :func:`plot_digit_probabilities` and :func:`digit_browser` -- one test digit with the
  network's predicted probabilities, and a slider to browse the test set.

Images are rows of ``X`` with 64 pixels (``(N, 64)``), shown as 8x8. Every plotting
function returns the matplotlib ``Figure`` it drew, in the course style
(:mod:`bptutor.viz.style`: full notebook width).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import style
from .live import live_figure

SIDE = 8  # the digits are 8x8 images


def _image(x):
    x = np.asarray(x, dtype=np.float64)
    if x.size != SIDE * SIDE:
        raise ValueError(f"an image must have {SIDE * SIDE} pixels (8x8); got {x.size}")
    return x.reshape(SIDE, SIDE)


def confusion_matrix(y_true, y_pred, n_classes=10):
    """``C[i, j]`` = number of examples of true class ``i`` predicted as ``j``; shape ``(n_classes, n_classes)``.

    ``y_true``, ``y_pred``: integer labels ``(N,)`` in ``0 .. n_classes - 1``. The diagonal
    holds the correct predictions, so ``trace(C) / N`` is the accuracy.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D label arrays of one length; "
                         f"got shapes {y_true.shape} and {y_pred.shape}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{name} must hold integer labels in [0, {n_classes}); "
                             f"got dtype {y.dtype}, range [{y.min()}, {y.max()}]")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def plot_training(history, test_accuracy=None):
    """Loss (left) and accuracy (right) after each epoch of a :class:`~bptutor.reference.sgd.History`.

    ``test_accuracy``: optional sequence, one test-set accuracy per epoch.
    """
    fig, (ax_l, ax_a) = style.figure(ncols=2)
    epochs = np.arange(1, len(history.loss) + 1)
    ax_l.plot(epochs, history.loss, color="k")
    ax_l.set_yscale("log")
    ax_l.set_title("training loss (cross-entropy)")
    if history.accuracy:
        ax_a.plot(epochs, history.accuracy, label="training set")
    if test_accuracy is not None:
        ax_a.plot(np.arange(1, len(test_accuracy) + 1), test_accuracy, label="test set")
    ax_a.set_title("accuracy")
    ax_a.set_ylim(top=1.0)
    ax_a.legend(loc="lower right")
    for ax in (ax_l, ax_a):
        ax.set_xlabel("epoch")
    return fig


def plot_confusion_matrix(C):
    """Draw a confusion matrix ``C`` ``(K, K)`` (rows: true class, columns: predicted) with its counts.

    The shading is ``log(1 + count)``, so that the few mistakes stay visible next to the large
    diagonal; the colour bar is labelled in counts.
    """
    C = np.asarray(C)
    fig, ax = style.figure(height=6.0)
    image = ax.imshow(np.log1p(C), cmap="Blues")
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=10,
                        color="white" if i == j else "tab:red")
    ax.set_xticks(range(C.shape[1]))
    ax.set_yticks(range(C.shape[0]))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (test set); mistakes in red")
    ticks = [t for t in (0, 1, 2, 5, 10, 20, 50, 100, 200, 500) if t <= max(int(C.max()), 1)]
    bar = fig.colorbar(image, ax=ax, shrink=0.8, ticks=np.log1p(ticks))
    bar.ax.set_yticklabels([str(t) for t in ticks])
    bar.set_label("images (log scale)")
    return fig


def plot_digits(X, titles=None, n_cols=8, title_colors=None):
    """A grid of 8x8 digit images, one per row of ``X`` ``(n, 64)``, with optional per-image titles."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if n == 0:
        raise ValueError("X has no rows: nothing to draw")
    n_rows = -(-n // n_cols)
    fig, axes = style.figure(n_rows, n_cols, height=1.75 * n_rows, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            ax.imshow(_image(X[k]), cmap="gray_r", vmin=0, vmax=1)
            if titles is not None:
                color = title_colors[k] if title_colors is not None else "k"
                ax.set_title(titles[k], fontsize=11, color=color)
    return fig


def plot_misclassified(X, y_true, y_pred, probs, n=16):
    """The first ``n`` test images the network got wrong, titled "true -> predicted (probability)".

    ``X``: ``(N, 64)``; ``y_true``, ``y_pred``: ``(N,)``; ``probs``: ``(N, C)`` predicted probabilities.
    """
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))[:n]
    if wrong.size == 0:
        raise ValueError("no misclassified examples to show")
    titles = [f"{y_true[i]} → {y_pred[i]} ({probs[i, y_pred[i]]:.2f})" for i in wrong]
    return plot_digits(X[wrong], titles, title_colors=["tab:red"] * len(wrong))


def plot_first_layer_weights(W1, n=32, n_cols=8):
    """The incoming weights of the first ``n`` hidden units, each column of ``W1`` ``(64, H)`` as an 8x8 image.

    Red pixels push the unit's pre-activation up, blue ones down; one colour scale
    (symmetric around 0) is shared by all panels and shown by the colour bar.
    """
    W1 = np.asarray(W1, dtype=np.float64)
    if W1.ndim != 2 or W1.shape[0] != SIDE * SIDE:
        raise ValueError(f"W1 must have shape (64, n_hidden); got {W1.shape}")
    n = min(n, W1.shape[1])
    lim = np.abs(W1[:, :n]).max()
    n_rows = -(-n // n_cols)
    fig, axes = style.figure(n_rows, n_cols, height=1.45 * n_rows + 0.5, squeeze=False)
    image = None
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            image = ax.imshow(_image(W1[:, k]), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(f"unit {k}", fontsize=10)
    fig.suptitle(f"incoming weights of the first {n} hidden units, one 8×8 image per unit")
    bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, pad=0.02)
    bar.set_label("weight $w_{ij}$ (red: pushes $z_j$ up)")
    return fig


def plot_digit_probabilities(x, label, probs):
    """One digit ``x`` ``(64,)`` with its true ``label`` and a bar chart of the predicted ``probs`` ``(C,)``."""
    probs = np.asarray(probs, dtype=np.float64)
    pred = int(np.argmax(probs))
    fig, (ax_i, ax_p) = style.figure(ncols=2, height=3.4, gridspec_kw={"width_ratios": [1, 3]})
    ax_i.imshow(_image(x), cmap="gray_r", vmin=0, vmax=1)
    ax_i.axis("off")
    ax_i.set_title(f"true label {label}")
    colors = ["tab:green" if k == label else ("tab:red" if k == pred else "0.6") for k in range(len(probs))]
    ax_p.bar(range(len(probs)), probs, color=colors)
    ax_p.set_xticks(range(len(probs)))
    ax_p.set_ylim(0, 1)
    verdict = "right" if pred == label else "wrong"
    ax_p.set_title(f"predicted {pred} with p = {probs[pred]:.2f} ({verdict})")
    ax_p.set_xlabel("class")
    ax_p.set_ylabel("probability")
    return fig


def digit_browser(X, y, probs, index=0):
    """A slider over the test set redrawing :func:`plot_digit_probabilities` for the chosen image.

    ``X``: ``(N, 64)``; ``y``: ``(N,)`` labels; ``probs``: ``(N, C)`` predicted probabilities.
    Returns the :func:`bptutor.viz.live.live_figure` box (``box.figure`` is the last figure).
    """
    X = np.asarray(X, dtype=np.float64)
    probs = np.asarray(probs, dtype=np.float64)
    if not (X.shape[0] == len(y) == probs.shape[0]):
        raise ValueError(f"X, y and probs need one row per image; got {X.shape[0]}, {len(y)}, {probs.shape[0]}")
    slider = widgets.IntSlider(value=int(index), min=0, max=X.shape[0] - 1, description="test image",
                               continuous_update=False)
    return live_figure({"i": slider}, lambda i: plot_digit_probabilities(X[i], int(y[i]), probs[i]))
