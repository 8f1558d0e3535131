"""The error surface of a linear neuron (lesson 02, the Wikipedia article).

The Wikipedia article takes one linear neuron ``y = x1 w1 + x2 w2`` and the error
``E = (t - y)^2``: for fixed inputs, ``E`` is a parabola in ``y`` and a
paraboloid over the weights ``(w1, w2)``. Gradient descent walks down that
surface "like a person on a foggy mountain" who can only feel the slope
under their feet.

Training cases are rows: ``X`` of shape ``(N, 2)``, targets ``t`` of shape
``(N,)``; ``E(w) = sum_n (t_n - x_n . w)^2``. With a single case the
"paraboloid" is a trough (every ``w`` on the line ``x . w = t`` is perfect);
a second case that is not parallel to the first makes it a bowl.

* :func:`linear_neuron_error`, :func:`linear_neuron_gradient` -- ``E`` and ``dE/dw``.
* :func:`descent_path` -- the weights after each step of ``w <- w - eta dE/dw``.
* :func:`plot_error_surface` -- contour or 3-D plot, with a point, the downhill
  arrow ``-dE/dw`` and optionally a descent path.
* :func:`surface_widget` -- sliders for ``w1``, ``w2``, the learning rate and the
  number of steps.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import style


def _cases(X, t):
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2): one row (x1, x2) per case; got {X.shape}")
    if t.shape != (X.shape[0],):
        raise ValueError(f"t must have shape ({X.shape[0]},): one target per row of X; got {t.shape}")
    return X, t


def linear_neuron_error(w, X, t):
    """``E(w) = sum_n (t_n - x_n . w)^2`` (the Wikipedia article's error, summed over the cases).

    ``w``: shape ``(..., 2)`` -- one weight pair, or a grid of them; ``X``: ``(N, 2)``;
    ``t``: ``(N,)``. Returns a float for one pair, else an array of shape ``w.shape[:-1]``.
    """
    X, t = _cases(X, t)
    w = np.asarray(w, dtype=np.float64)
    if w.shape[-1:] != (2,):
        raise ValueError(f"w must end in an axis of length 2 (w1, w2); got shape {w.shape}")
    y = w @ X.T  # (..., N): y = x1 w1 + x2 w2 for each case
    E = np.sum((t - y) ** 2, axis=-1)
    return float(E) if E.ndim == 0 else E


def linear_neuron_gradient(w, X, t) -> np.ndarray:
    """``dE/dw = -2 sum_n (t_n - x_n . w) x_n``, shape ``(2,)`` for ``w`` of shape ``(2,)``."""
    X, t = _cases(X, t)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,); got {w.shape}")
    e = t - X @ w  # the error of each case
    return -2.0 * (e @ X)  # chain rule: dE/dy = -2 e, dy/dw = x


def descent_path(X, t, w0, lr: float, steps: int) -> np.ndarray:
    """Weights visited by ``steps`` steps of gradient descent ``w <- w - lr dE/dw`` from ``w0``.

    Returns shape ``(steps + 1, 2)``; row 0 is ``w0``.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")
    path = [np.asarray(w0, dtype=np.float64).copy()]
    for _ in range(int(steps)):
        path.append(path[-1] - lr * linear_neuron_gradient(path[-1], X, t))
    return np.array(path)


def plot_error_surface(X, t, w=None, path=None, kind: str = "contour", lim: float = 3.0,
                       ax=None, n: int = 81):
    """Plot ``E(w1, w2)`` over ``[-lim, lim]^2`` as ``kind="contour"`` or ``"3d"``.

    ``w`` (shape ``(2,)``): a point to mark, with the downhill arrow ``-dE/dw``
    (scaled to a fixed length; its true length is in the title). ``path``: an
    array ``(k, 2)`` of weights to draw as a walk (see :func:`descent_path`).
    Returns the Figure. A new ``"3d"`` figure (no ``ax`` given) shows the contour map of the
    same surface beside the 3-D view, so the picture fills the notebook's width.
    """
    if kind not in ("contour", "3d"):
        raise ValueError(f"kind must be 'contour' or '3d'; got {kind!r}")
    if kind == "3d" and ax is None:
        style.use()
        fig = plt.figure(figsize=(style.WIDTH, 4.8), layout="constrained")
        plot_error_surface(X, t, w, path, "3d", lim, fig.add_subplot(121, projection="3d"), n)
        plot_error_surface(X, t, w, path, "contour", lim, fig.add_subplot(122), n)
        return fig
    grid = np.linspace(-lim, lim, n)
    W1, W2 = np.meshgrid(grid, grid)
    E = linear_neuron_error(np.stack([W1, W2], axis=-1), X, t)
    if ax is None:
        style.use()
        fig = plt.figure(figsize=(style.WIDTH, 5.2), layout="constrained")
        ax = fig.add_subplot(111, projection="3d" if kind == "3d" else None)
    else:
        fig = ax.figure
    title = "E(w1, w2) = Σ (t − x1·w1 − x2·w2)²"
    if kind == "3d":
        ax.plot_surface(W1, W2, E, cmap="viridis", alpha=0.75, linewidth=0, rcount=30, ccount=30)
        ax.set_zlabel("E")
        if w is not None:
            w = np.asarray(w, dtype=np.float64)
            ax.scatter([w[0]], [w[1]], [linear_neuron_error(w, X, t)], color="red", s=40)
        if path is not None:
            path = np.asarray(path)
            ax.plot(path[:, 0], path[:, 1], linear_neuron_error(path, X, t), "o-", color="red",
                    ms=3)
    else:
        levels = np.quantile(E, np.linspace(0.0, 1.0, 12) ** 2)
        cs = ax.contour(W1, W2, E, levels=np.unique(levels), cmap="viridis")
        ax.clabel(cs, fontsize=9, fmt="%.1f")
        ax.set_aspect("equal")
        if path is not None:
            path = np.asarray(path)
            E_end = linear_neuron_error(path[-1], X, t)
            ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3, lw=1.2,
                    label=f"{len(path) - 1} steps of gradient descent,\nE at the end {E_end:.3g}")
            # beside the square, never over the walk (which may start in any corner)
            ax.legend(loc="upper left", bbox_to_anchor=(1.04, 1.0), borderaxespad=0)
        ax.set_xlim(-lim, lim)  # a diverging walk leaves the picture instead of shrinking it
        ax.set_ylim(-lim, lim)
        if w is not None:
            w = np.asarray(w, dtype=np.float64)
            g = linear_neuron_gradient(w, X, t)
            norm = np.linalg.norm(g)
            ax.plot([w[0]], [w[1]], "o", color="red", ms=7)
            if norm > 0:
                d = -g / norm * 0.25 * lim
                ax.arrow(w[0], w[1], d[0], d[1], width=0.02 * lim, color="red",
                         length_includes_head=True)
            title += f"\nw = ({w[0]:.2f}, {w[1]:.2f}): E = {linear_neuron_error(w, X, t):.3f}, " \
                     f"|∇E| = {norm:.3f}; arrow = −∇E (downhill)"
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title(title)
    return fig


def surface_widget(X, t, w1: float = -2.0, w2: float = 2.5, lr: float = 0.1, steps: int = 0,
                   lim: float = 3.0):
    """Sliders for ``w1``, ``w2``, the learning rate and a number of descent steps.

    Each change redraws the contour plot with the point, its downhill arrow and the
    gradient-descent walk starting there. Returns an ``ipywidgets.VBox`` (the four sliders,
    then the picture); its ``last_drawn`` dict holds the weights, ``E`` and the end of the walk.
    """
    import ipywidgets as widgets

    controls = {
        "w1": widgets.FloatSlider(value=w1, min=-lim, max=lim, step=0.1, description="w1"),
        "w2": widgets.FloatSlider(value=w2, min=-lim, max=lim, step=0.1, description="w2"),
        "lr": widgets.FloatSlider(value=lr, min=0.01, max=0.6, step=0.01, description="η"),
        "steps": widgets.IntSlider(value=steps, min=0, max=30, description="steps"),
    }
    image = style.picture()
    box = widgets.VBox([*controls.values(), image])
    box.last_drawn = {}

    def redraw(change=None):
        w = np.array([controls["w1"].value, controls["w2"].value])
        steps = controls["steps"].value
        path = descent_path(X, t, w, controls["lr"].value, steps)
        box.last_drawn.update(w=w, E=linear_neuron_error(w, X, t), end=path[-1],
                              E_end=linear_neuron_error(path[-1], X, t))
        image.value = style.png(plot_error_surface(X, t, w=w, path=path if steps else None, lim=lim))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box
