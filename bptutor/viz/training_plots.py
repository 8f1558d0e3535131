"""Training curves and mini-batch gradient noise (lessons 04 and 05).

* :func:`plot_error_curve` -- the error of seed 000, eq. (6), epoch by epoch.
* :func:`gradient_angles` -- the angle between mini-batch gradients and the
  full-batch gradient: how much a mini-batch of size B "points the wrong way".
* :func:`plot_gradient_noise`, :func:`batch_noise_slider` -- that angle against B,
  statically and with a slider over B.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .live import live_figure


def plot_error_curve(errors, ax=None, log=True, label=None, marks=None):
    """Plot ``errors[e - 1]``, the error after epoch ``e``, against ``e``.

    ``errors``: sequence of floats, one per epoch. ``log``: logarithmic y axis
    (an error that falls by orders of magnitude stays readable). ``marks``:
    optional epochs to mark with dotted vertical lines. Returns the ``Axes``.
    """
    errors = np.asarray(errors, dtype=np.float64).reshape(-1)
    if errors.size == 0:
        raise ValueError("errors is empty; record one error per epoch while training")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.2))
    epochs = np.arange(1, errors.size + 1)
    (ax.semilogy if log else ax.plot)(epochs, errors, label=label)
    for e in marks or ():
        ax.axvline(e, color="0.6", linestyle=":", linewidth=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("E  (seed 000, eq. 6)")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def flatten_grads(grads_W, grads_b):
    """Concatenate lists of gradient arrays into one vector ``(P,)``."""
    return np.concatenate([g.ravel() for g in list(grads_W) + list(grads_b)])


def gradient_angles(loss_and_grads, X, T, batch_size, n_draws=50, seed=0):
    """Angles (degrees) between ``n_draws`` mini-batch gradients and the full-batch one.

    ``loss_and_grads(Xb, Tb) -> (loss, grads_W, grads_b)`` (e.g. a closure over
    :func:`bptutor.reference.mlp_loss_and_grads` with fixed weights); ``X``: ``(N, n_in)``;
    ``T``: ``(N, n_out)``. Each mini-batch is ``batch_size`` rows drawn without
    replacement. Returns an array ``(n_draws,)``; 0 degrees = same direction.
    """
    X = np.asarray(X, dtype=np.float64)
    N = X.shape[0]
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must lie in [1, {N}] (the number of examples); got {batch_size}")
    full = flatten_grads(*loss_and_grads(X, T)[1:])
    rng = np.random.default_rng(seed)
    angles = np.empty(n_draws)
    for i in range(n_draws):
        idx = rng.choice(N, size=batch_size, replace=False)
        g = flatten_grads(*loss_and_grads(X[idx], T[idx])[1:])
        cos = g @ full / (np.linalg.norm(g) * np.linalg.norm(full) or 1.0)
        angles[i] = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    return angles


def noise_table(loss_and_grads, X, T, batch_sizes, n_draws=50, seed=0):
    """``{B: angles}`` for every batch size in ``batch_sizes`` (see :func:`gradient_angles`)."""
    return {int(B): gradient_angles(loss_and_grads, X, T, int(B), n_draws, seed) for B in batch_sizes}


def plot_gradient_noise(table, ax=None, highlight=None):
    """Median angle and the 10--90 % band against batch size (log x axis).

    ``table``: ``{B: angles}`` from :func:`noise_table`. ``highlight``: a B to mark.
    Returns the ``Axes``.
    """
    if not table:
        raise ValueError("table is empty; build it with noise_table(...)")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.2))
    sizes = np.array(sorted(table))
    med = np.array([np.median(table[B]) for B in sizes])
    lo = np.array([np.percentile(table[B], 10) for B in sizes])
    hi = np.array([np.percentile(table[B], 90) for B in sizes])
    ax.fill_between(sizes, lo, hi, alpha=0.25, color="C0", label="10-90 % of mini-batches")
    ax.plot(sizes, med, "o-", color="C0", label="median")
    if highlight is not None:
        ax.axvline(highlight, color="C3", linestyle="--", label=f"B = {highlight}")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("mini-batch size B")
    ax.set_ylabel("angle to full-batch gradient (deg)")
    ax.set_ylim(0, 90)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def batch_noise_slider(table):
    """Slider over the batch sizes of ``table``: the angle histogram at B next to the summary curve.

    ``table``: ``{B: angles}`` from :func:`noise_table` (computed once; moving the
    slider only redraws). Returns the widget (see :func:`bptutor.viz.live.live_figure`).
    """
    sizes = sorted(int(B) for B in table)
    if not sizes:
        raise ValueError("table is empty; build it with noise_table(...)")
    slider = widgets.SelectionSlider(options=sizes, value=sizes[0], description="batch B",
                                     continuous_update=False)

    def draw(B):
        fig, (ax_hist, ax_curve) = plt.subplots(1, 2, figsize=(9, 3.2))
        ax_hist.hist(table[B], bins=np.linspace(0, 90, 31), color="C0")
        ax_hist.set_xlim(0, 90)
        ax_hist.set_xlabel("angle to full-batch gradient (deg)")
        ax_hist.set_ylabel("mini-batches")
        ax_hist.set_title(f"B = {B}: median {np.median(table[B]):.0f} deg", fontsize=10)
        plot_gradient_noise(table, ax=ax_curve, highlight=B)
        fig.tight_layout()
        return fig

    return live_figure({"B": slider}, draw)
