"""Decision boundaries of a two-input network, and how they move during training (lesson 04).

A *snapshot* is ``(epoch, predict)``: ``predict`` maps points ``(M, 2)`` to the
network's output ``(M,)`` or ``(M, 1)`` in [0, 1]. The boundary is the 0.5 level
set of that output.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import style
from .live import live_figure

#: the square the XOR points sit in, with a margin
XOR_LIMITS = (-0.5, 1.5)


def grid_outputs(predict, xlim=XOR_LIMITS, ylim=XOR_LIMITS, resolution=81):
    """Evaluate ``predict`` on a ``resolution x resolution`` grid.

    Returns ``(xx, yy, out)``, each ``(resolution, resolution)``; ``out`` is the
    network's output at ``(xx, yy)``.
    """
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2 grid points per axis; got {resolution}")
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.c_[xx.ravel(), yy.ravel()]
    out = np.asarray(predict(points), dtype=np.float64)
    if out.size != points.shape[0]:
        raise ValueError(
            f"predict returned {out.shape} for {points.shape[0]} points; it must return one "
            "output per point, shape (M,) or (M, 1)"
        )
    return xx, yy, out.reshape(xx.shape)


def plot_boundary(ax, predict, X, T, title=None, xlim=XOR_LIMITS, ylim=XOR_LIMITS, resolution=81):
    """Draw the network output as a shaded map, its 0.5 contour, and the examples.

    ``X``: ``(N, 2)`` inputs; ``T``: ``(N,)`` or ``(N, 1)`` targets in {0, 1}
    (filled marker = 1, open marker = 0). Returns the ``QuadContourSet`` of the shading.
    """
    X = np.asarray(X, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) -- two inputs per example; got {X.shape}")
    if T.shape[0] != X.shape[0]:
        raise ValueError(f"T has {T.shape[0]} targets but X has {X.shape[0]} examples")
    xx, yy, out = grid_outputs(predict, xlim, ylim, resolution)
    shading = ax.contourf(xx, yy, out, levels=np.linspace(0, 1, 11), cmap="RdBu_r", vmin=0, vmax=1)
    if out.min() < 0.5 < out.max():
        ax.contour(xx, yy, out, levels=[0.5], colors="k", linewidths=1.5)
    ones = T > 0.5
    ax.scatter(X[ones, 0], X[ones, 1], s=80, c="k", marker="o", label="t = 1", zorder=3)
    ax.scatter(X[~ones, 0], X[~ones, 1], s=80, facecolors="white", edgecolors="k",
               marker="o", label="t = 0", zorder=3)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    if title:
        ax.set_title(title, fontsize=10)
    return shading


def boundary_small_multiples(snapshots, X, T, ncols=None, full_width=False):
    """One panel per snapshot ``(epoch, predict)``, side by side, sharing one colour bar.

    ``full_width=True`` draws the figure in the course style (:mod:`bptutor.viz.style`: as wide
    as the notebook, legible fonts); the default keeps the compact size of 2.4 inches a panel.
    Returns the ``Figure``.
    """
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("snapshots is empty; give a list of (epoch, predict) pairs")
    ncols = ncols or len(snapshots)
    nrows = int(np.ceil(len(snapshots) / ncols))
    if full_width:
        fig, axes = style.figure(nrows, ncols, height=style.WIDTH / (ncols + 0.6) * nrows + 0.6, squeeze=False)
    else:
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.4 * ncols, 2.5 * nrows), squeeze=False)
    shading = None
    for ax, (epoch, predict) in zip(axes.flat, snapshots):
        shading = plot_boundary(ax, predict, X, T, title=f"epoch {epoch}")
    for ax in list(axes.flat)[len(snapshots):]:
        ax.axis("off")
    fig.colorbar(shading, ax=axes.ravel().tolist(), shrink=0.8, label="network output o")
    return fig


def boundary_slider(snapshots, X, T, errors=None, full_width=False):
    """A slider over the snapshots; the panel shows the boundary at the chosen epoch.

    ``snapshots``: list of ``(epoch, predict)`` in training order. ``errors``
    (optional): the error per epoch, ``errors[e - 1]`` after epoch ``e``; when given,
    a second panel shows the error curve with the chosen epoch marked.
    ``full_width=True`` draws in the course style (:mod:`bptutor.viz.style`).
    Returns the widget (see :func:`bptutor.viz.live.live_figure`).
    """
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("snapshots is empty; give a list of (epoch, predict) pairs")
    epochs = [int(e) for e, _ in snapshots]
    slider = widgets.SelectionSlider(options=epochs, value=epochs[0], description="epoch",
                                     continuous_update=False)
    by_epoch = dict(snapshots)

    def draw(epoch):
        if full_width:
            fig, axes = style.figure(ncols=1 if errors is None else 2)
            ax = axes if errors is None else axes[0]
            if errors is not None:
                _error_panel(axes[1], errors, epoch)
            plot_boundary(ax, by_epoch[epoch], X, T, title=f"decision boundary after epoch {epoch}")
            return fig
        if errors is None:
            fig, ax = plt.subplots(figsize=(3.4, 3.2))
        else:
            fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(7.2, 3.2))
            _error_panel(ax_err, errors, epoch)
        plot_boundary(ax, by_epoch[epoch], X, T, title=f"decision boundary after epoch {epoch}")
        fig.tight_layout()
        return fig

    return live_figure({"epoch": slider}, draw)


def _error_panel(ax, errors, epoch):
    errors = np.asarray(errors, dtype=np.float64)
    ax.semilogy(np.arange(1, len(errors) + 1), errors, color="C0")
    if epoch >= 1:
        ax.axvline(epoch, color="C3", linestyle="--")
        ax.plot([epoch], [errors[min(epoch, len(errors)) - 1]], "o", color="C3")
    ax.set_xlabel("epoch")
    ax.set_ylabel("E, the per-neuron article eq. (6)")
    ax.set_title("error per epoch", fontsize=10)
