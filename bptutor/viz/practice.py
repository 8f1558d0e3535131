"""Plots and small experiments for lesson 07, "Training in practice".

* initialisation: :func:`hidden_activations`, :func:`plot_activation_histograms`;
* learning rate on the Wikipedia article's linear neuron: :func:`linear_neuron_loss`,
  :func:`linear_neuron_gradient`, :func:`critical_learning_rate`,
  :func:`gradient_descent_path`, :func:`plot_learning_rate`, :func:`learning_rate_widget`;
* learning modes, stopping criteria and restarts: :func:`plot_loss_curves`,
  :func:`plot_modes`, :func:`plot_stopping`, :func:`plot_restarts`;
* depth (lesson 07b): :func:`layer_gradient_norms`, :func:`plot_layer_gradients`;
* wide and narrow minima (lesson 07b): :func:`plot_wide_and_narrow`.

Every plotting function returns the matplotlib ``Figure`` it drew, in the course style
(:mod:`bptutor.viz.style`: full notebook width).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..reference.activations import get_activation
from . import style
from .live import live_figure


def _losses(curve):
    """A loss curve from a :class:`~bptutor.reference.sgd.History` or any sequence of floats."""
    return np.asarray(getattr(curve, "loss", curve), dtype=np.float64)


# ----------------------------------------------------------------------------- initialisation
def hidden_activations(model, X):
    """Activations ``a(1) = f(X W(1) + b(1))`` of the first hidden layer of an ``MLP``, shape ``(N, n_1)``.

    ``X``: ``(N, n_0)``. ``f`` is the model's hidden activation (``model.hidden``).
    """
    f, _ = get_activation(model.hidden)
    return f(np.asarray(X, dtype=np.float64) @ model.weights[0] + model.biases[0])


def plot_activation_histograms(activations, bins=25, saturated=0.01):
    """One histogram per entry of ``activations`` (label -> array of sigmoid outputs in [0, 1]).

    Each panel's title gives the fraction of values within ``saturated`` of 0 or 1,
    where ``sigma'(z) = a (1 - a)`` (the per-neuron article, eq. 15) is nearly zero.
    """
    if not activations:
        raise ValueError("activations is empty; pass {label: array of activations}")
    fig, axes = style.figure(ncols=len(activations), height=3.6, sharey=True, squeeze=False)
    axes = axes[0]
    for ax, (label, a) in zip(axes, activations.items()):
        a = np.ravel(a)
        frac = np.mean((a < saturated) | (a > 1 - saturated))
        ax.hist(a, bins=bins, range=(0, 1), color="tab:blue", alpha=0.8)
        ax.set_title(f"{label}\n{frac:.0%} saturated")
        ax.set_xlabel("hidden activation $a$")
    axes[0].set_ylabel("count")
    return fig


# ----------------------------------------------------------------------------- learning rate
def linear_neuron_loss(w, X, t):
    """The Wikipedia article's linear neuron ``y = X w`` with ``E(w) = 1/(2N) sum (t - y)^2``; returns a float.

    ``w``: ``(n,)``; ``X``: ``(N, n)``; ``t``: ``(N,)``.
    """
    e = t - X @ w
    return float(0.5 * np.mean(e * e))


def linear_neuron_gradient(w, X, t):
    """``dE/dw = X^T (X w - t) / N`` for :func:`linear_neuron_loss`, shape ``(n,)``."""
    return X.T @ (X @ w - t) / X.shape[0]


def critical_learning_rate(X):
    """``2 / lambda_max(X^T X / N)``: gradient descent on the linear neuron converges iff ``lr`` is below it.

    ``E`` is a paraboloid with Hessian ``H = X^T X / N``; one step maps the error
    ``w - w*`` to ``(I - lr H)(w - w*)``, which shrinks iff ``|1 - lr lambda| < 1``
    for every eigenvalue ``lambda`` of ``H``.
    """
    X = np.asarray(X, dtype=np.float64)
    return 2.0 / np.linalg.eigvalsh(X.T @ X / X.shape[0]).max()


def gradient_descent_path(X, t, w0, lr, steps):
    """Run ``steps`` steps of ``w <- w - lr dE/dw`` on the linear neuron from ``w0``.

    Returns ``(path, losses)``: the weights ``(steps + 1, n)`` and ``E`` at each of them ``(steps + 1,)``.
    Stops early (shorter arrays) if the loss overflows, as it does far above the critical rate.
    """
    w = np.array(w0, dtype=np.float64)
    path, losses = [w.copy()], [linear_neuron_loss(w, X, t)]
    for _ in range(int(steps)):
        w = w - lr * linear_neuron_gradient(w, X, t)
        loss = linear_neuron_loss(w, X, t)
        if not np.isfinite(loss) or loss > 1e12:
            break
        path.append(w.copy())
        losses.append(loss)
    return np.array(path), np.array(losses)


def plot_learning_rate(X, t, w0, lrs, steps=30, span=2.5):
    """Gradient descent on the linear neuron for each learning rate in ``lrs``.

    Left: the error surface ``E(w1, w2)`` (the Wikipedia article's paraboloid) as contours with
    each path; right: ``E`` against the step number (log scale). ``X``: ``(N, 2)``.
    """
    X = np.asarray(X, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) to draw the surface over (w1, w2); got {X.shape}")
    w_star = np.linalg.lstsq(X, t, rcond=None)[0]
    g1, g2 = np.meshgrid(np.linspace(w_star[0] - span, w_star[0] + span, 80),
                         np.linspace(w_star[1] - span, w_star[1] + span, 80))
    W = np.stack([g1.ravel(), g2.ravel()], axis=1)
    E = 0.5 * np.mean((t[None, :] - W @ X.T) ** 2, axis=1).reshape(g1.shape)
    fig, (ax_s, ax_l) = style.figure(ncols=2)
    ax_s.contour(g1, g2, E, levels=np.geomspace(E.min() + 1e-3, E.max(), 12), colors="0.6",
                 linewidths=0.7)
    ax_s.plot(*w_star, "k*", ms=10, label="minimum")
    lr_star = critical_learning_rate(X)
    for lr in np.atleast_1d(lrs):
        path, losses = gradient_descent_path(X, t, w0, lr, steps)
        label = f"η = {lr:.3g} ({lr / lr_star:.2f} η*)"
        ax_s.plot(path[:, 0], path[:, 1], "o-", ms=2.5, lw=1, label=label)
        ax_l.semilogy(losses, label=label)
    ax_s.set_xlim(g1.min(), g1.max())
    ax_s.set_ylim(g2.min(), g2.max())
    ax_s.set_xlabel("$w_1$")
    ax_s.set_ylabel("$w_2$")
    ax_s.set_title("error surface and paths")
    ax_l.set_xlabel("step")
    ax_l.set_ylabel("E(w)")
    ax_l.set_title(f"loss curves (η* = 2/λ_max = {lr_star:.3g})")
    ax_l.legend()
    return fig


def learning_rate_widget(X, t, w0, steps=30, lr=None):
    """A log-scale slider over the learning rate redrawing :func:`plot_learning_rate` for one ``lr``.

    The slider spans ``0.01 η*`` to ``3 η*`` around the critical rate ``η*`` of
    :func:`critical_learning_rate`; it starts at ``lr`` (default ``0.5 η*``).
    Returns the :func:`bptutor.viz.live.live_figure` box (``box.figure`` is the last figure).
    """
    lr_star = critical_learning_rate(X)
    lr = 0.5 * lr_star if lr is None else float(lr)
    slider = widgets.FloatLogSlider(value=lr, base=10, min=np.log10(0.01 * lr_star),
                                    max=np.log10(3 * lr_star), step=0.02, description="η",
                                    readout_format=".3g", continuous_update=False)
    return live_figure({"lr": slider}, lambda lr: plot_learning_rate(X, t, w0, [lr], steps))


# ----------------------------------------------------------------------------- loss curves
def plot_loss_curves(curves, logy=True, xlabel="epoch", ylabel="loss", title=None, ax=None):
    """One line per entry of ``curves`` (label -> History or sequence of losses)."""
    if ax is None:
        fig, ax = style.figure()
    else:
        fig = ax.figure
    for label, curve in curves.items():
        y = _losses(curve)
        ax.plot(np.arange(1, len(y) + 1), y, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def plot_modes(histories, updates_per_epoch):
    """The Wikipedia article's learning modes side by side: loss per epoch, and loss per weight update.

    ``histories``: mode -> History (or losses); ``updates_per_epoch``: mode -> number
    of weight updates one epoch makes in that mode.
    """
    fig, (ax_e, ax_u) = style.figure(ncols=2, sharey=True)
    plot_loss_curves(histories, title="same number of epochs", ax=ax_e)
    for label, curve in histories.items():
        y = _losses(curve)
        ax_u.plot(np.arange(1, len(y) + 1) * updates_per_epoch[label], y, label=label)
    ax_u.set_xscale("log")
    ax_u.set_xlabel("weight updates")
    ax_u.set_title("the same curves against the number of updates")
    ax_u.legend()
    return fig


def plot_stopping(loss, grad_norm, stops):
    """Loss and ``||grad E||`` per epoch with a vertical line where each stopping rule fires.

    ``loss``, ``grad_norm``: sequences over epochs; ``stops``: label -> epoch (1-based).
    """
    fig, (ax_l, ax_g) = style.figure(ncols=2, sharex=True)
    epochs = np.arange(1, len(loss) + 1)
    ax_l.semilogy(epochs, loss, color="k")
    ax_g.semilogy(epochs, grad_norm, color="k")
    for (label, epoch), color in zip(stops.items(), ("tab:red", "tab:blue", "tab:green")):
        for ax in (ax_l, ax_g):
            ax.axvline(epoch, color=color, ls="--", lw=1, label=f"{label}: epoch {epoch}")
    ax_l.set_title("E(n)")
    ax_g.set_title("‖∇E‖")
    for ax in (ax_l, ax_g):
        ax.set_xlabel("epoch n")
    ax_g.legend()
    return fig


def plot_restarts(curves, stuck_above):
    """Loss curves of the same network from several random starts.

    ``curves``: label -> History or losses. A run whose final loss is above
    ``stuck_above`` is drawn in red ("stuck"), the others in green ("solved").
    """
    fig, ax = style.figure()
    stuck_labels = []
    for label, curve in curves.items():
        y = _losses(curve)
        stuck = y[-1] > stuck_above
        ax.semilogy(np.arange(1, len(y) + 1), y, color="tab:red" if stuck else "tab:green",
                    lw=1.6 if stuck else 0.8, alpha=0.9)
        if stuck:
            stuck_labels.append(str(label))
    ax.plot([], [], color="tab:green", label="solved")
    ax.plot([], [], color="tab:red", label="stuck")
    ax.set_title(f"{len(curves) - len(stuck_labels)} of {len(curves)} solved; stuck: "
                 f"{', '.join(stuck_labels) or 'none'}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return fig


# ----------------------------------------------------------------------------- depth
def layer_gradient_norms(model, X, T):
    """``||dE/dW(l)||`` (Frobenius) for every layer ``l = 1 .. L`` of an ``MLP``, shape ``(L,)``.

    ``X``: ``(N, n_0)``; ``T``: targets as the model's loss expects them (one-hot or labels for
    a softmax output). Entry 0 is the first layer, next to the inputs.
    """
    _, grads_W, _ = model.loss_and_grads(X, T)
    return np.array([np.linalg.norm(g) for g in grads_W])


def plot_layer_gradients(norms, title=None):
    """One line per entry of ``norms`` (label -> ``(L,)`` gradient norms per layer), log y axis.

    Layer 1 (next to the inputs) is on the left, the output layer on the right: a line that
    falls to the left shows the gradient vanishing on its way back through the layers.
    """
    if not norms:
        raise ValueError("norms is empty; pass {label: per-layer gradient norms}")
    fig, ax = style.figure()
    for label, values in norms.items():
        values = np.asarray(values, dtype=np.float64)
        ax.semilogy(np.arange(1, values.size + 1), values, "o-", label=label)
    ax.set_xlabel("layer l (1 = next to the inputs)")
    ax.set_ylabel("‖∂E/∂W⁽ˡ⁾‖")
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return fig


# ----------------------------------------------------------------------------- wide and narrow minima
def plot_wide_and_narrow(w, train_loss, test_loss, paths=None):
    """A 1-D loss with a wide and a narrow minimum, the same loss shifted ("new data"), and descent paths.

    ``w``: grid ``(M,)``; ``train_loss``, ``test_loss``: the two curves on that grid ``(M,)``;
    ``paths``: optional label -> sequence of iterates ``w_k`` of gradient descent, drawn as
    markers on the training curve (``train_loss`` is interpolated at each iterate).
    """
    w = np.asarray(w, dtype=np.float64)
    train_loss = np.asarray(train_loss, dtype=np.float64)
    test_loss = np.asarray(test_loss, dtype=np.float64)
    if not (w.shape == train_loss.shape == test_loss.shape) or w.ndim != 1:
        raise ValueError(f"w, train_loss and test_loss must be 1-D arrays of one length; got "
                         f"{w.shape}, {train_loss.shape}, {test_loss.shape}")
    fig, ax = style.figure()
    ax.plot(w, train_loss, color="k", label="E(w), the training data")
    ax.plot(w, test_loss, color="0.55", ls="--", label="the same loss on new data (shifted)")
    for (label, iterates), color in zip((paths or {}).items(), ("tab:red", "tab:blue", "tab:green")):
        iterates = np.asarray(iterates, dtype=np.float64)
        ax.plot(iterates, np.interp(iterates, w, train_loss), "o", ms=4, alpha=0.6, color=color, label=label)
        ax.plot(iterates[-1:], np.interp(iterates[-1:], w, train_loss), "*", ms=16, color=color)
    ax.set_xlabel("weight w")
    ax.set_ylabel("E")
    ax.legend(loc="lower left")
    return fig
