"""Training curves and mini-batch gradient noise (lessons 04 and 05).

* :func:`plot_error_curve` -- the error of the per-neuron article, eq. (6), epoch by epoch.
* :func:`gradient_angles` -- the angle between mini-batch gradients and the
  full-batch gradient: how much a mini-batch of size B "points the wrong way".
* :func:`plot_gradient_noise`, :func:`batch_noise_slider` -- that angle against B,
  statically and with a slider over B (course style: :mod:`bptutor.viz.style`).
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import style
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
    ax.set_ylabel("E  (the per-neuron article, eq. 6)")
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


def plot_gradient_noise(table, ax=None, highlight=None, label="", color="C0"):
    """Median angle and the 10--90 % band against batch size (log x axis).

    ``table``: ``{B: angles}`` from :func:`noise_table`. ``highlight``: a B to mark.
    ``label``/``color``: to tell several tables apart on one ``ax``. Returns the ``Axes``.
    Angles run from 0 (same direction) to 180 degrees (opposite direction).
    """
    if not table:
        raise ValueError("table is empty; build it with noise_table(...)")
    if ax is None:
        _, ax = style.figure()
    sizes = np.array(sorted(table))
    med = np.array([np.median(table[B]) for B in sizes])
    lo = np.array([np.percentile(table[B], 10) for B in sizes])
    hi = np.array([np.percentile(table[B], 90) for B in sizes])
    prefix = f"{label}: " if label else ""
    ax.fill_between(sizes, lo, hi, alpha=0.2, color=color, label=f"{prefix}10-90 % of mini-batches")
    ax.plot(sizes, med, "o-", color=color, label=f"{prefix}median")
    if highlight is not None:
        ax.axvline(highlight, color="k", linestyle="--", linewidth=1)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(B) for B in sizes])
    ax.minorticks_off()
    ax.set_xlabel("mini-batch size B")
    ax.set_ylabel("angle to full-batch gradient (deg)")
    ax.set_ylim(0, 180)
    ax.set_yticks([0, 45, 90, 135, 180])
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=10)
    return ax


def _as_labelled(tables):
    """Accept one ``{B: angles}`` table or ``{label: table}``; return the labelled form."""
    if not tables:
        raise ValueError("no table given; build one with noise_table(...)")
    first = next(iter(tables))
    if isinstance(first, str):
        return dict(tables)
    return {"": tables}


def batch_noise_slider(tables):
    """Slider over batch sizes: the angle histogram(s) at B next to the summary curve(s).

    ``tables``: one ``{B: angles}`` table from :func:`noise_table`, or several as
    ``{label: table}`` sharing the same batch sizes (e.g. at initialisation and after
    training). Computed once; moving the slider only redraws. Returns the widget
    (see :func:`bptutor.viz.live.live_figure`).
    """
    tables = _as_labelled(tables)
    sizes = sorted({int(B) for table in tables.values() for B in table})
    for label, table in tables.items():
        if sorted(int(B) for B in table) != sizes:
            raise ValueError(f"table {label!r} has batch sizes {sorted(table)}; all tables need {sizes}")
    slider = widgets.SelectionSlider(options=sizes, value=sizes[0], description="batch B",
                                     continuous_update=False)
    bins = np.linspace(0, 180, 37)

    def draw(B):
        fig, (ax_hist, ax_curve) = style.figure(ncols=2)
        for i, (label, table) in enumerate(tables.items()):
            ax_hist.hist(table[B], bins=bins, color=f"C{i}", alpha=0.6,
                         label=f"{label + ': ' if label else ''}median {np.median(table[B]):.0f} deg")
            plot_gradient_noise(table, ax=ax_curve, highlight=B, label=label, color=f"C{i}")
        ax_hist.set_xlim(0, 180)
        ax_hist.set_xticks([0, 45, 90, 135, 180])
        ax_hist.set_xlabel("angle to full-batch gradient (deg)")
        ax_hist.set_ylabel("mini-batches")
        ax_hist.set_title(f"B = {B}")
        ax_hist.legend()
        return fig

    return live_figure({"B": slider}, draw)
