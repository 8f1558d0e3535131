"""Softmax probabilities and the softmax + cross-entropy gradient as bars (lesson 06).

For one example with logits ``z`` ``(C,)``, temperature ``tau`` and true class ``c``:
``s = softmax(z / tau)`` and the gradient of the cross-entropy with respect to the
(scaled) logits is ``s - y`` with ``y`` the one-hot vector of ``c``.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..reference import softmax
from . import style
from .live import live_figure


def softmax_and_gradient(z, target, temperature=1.0):
    """``(s, s - y)`` for logits ``z`` ``(C,)`` divided by ``temperature``, true class ``target``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    if not 0 <= int(target) < z.size:
        raise ValueError(f"target must be a class index in [0, {z.size}); got {target}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive; got {temperature}")
    s = softmax(z / temperature)
    y = np.zeros_like(s)
    y[int(target)] = 1.0
    return s, s - y


def plot_softmax_bars(z, target, temperature=1.0, class_names=None):
    """Two bar charts: the probabilities ``s`` and the gradient ``s - y``. Returns the ``Figure``."""
    s, grad = softmax_and_gradient(z, target, temperature)
    names = list(class_names) if class_names is not None else [f"class {i}" for i in range(s.size)]
    colors = ["C2" if i == int(target) else "C0" for i in range(s.size)]
    fig, (ax_s, ax_g) = style.figure(ncols=2, height=3.6)
    ax_s.bar(names, s, color=colors)
    ax_s.set_ylim(0, 1)
    ax_s.set_title(f"softmax(z / {temperature:g})  (true class green)")
    for i, p in enumerate(s):
        ax_s.text(i, p + 0.02, f"{p:.2f}", ha="center")
    ax_g.bar(names, grad, color=colors)
    ax_g.axhline(0, color="k", linewidth=0.8)
    ax_g.set_ylim(-1, 1)
    ax_g.set_title("gradient dL/dz = s − y")
    for i, g in enumerate(grad):
        ax_g.text(i, g + (0.04 if g >= 0 else -0.12), f"{g:+.2f}", ha="center")
    return fig


def softmax_sliders(z0=(2.0, 1.0, 0.1, -1.0), target=0, span=6.0):
    """One slider per logit plus a temperature slider and a true-class menu; redraws the bars.

    ``z0``: initial logits ``(C,)``; ``target``: initial true class; ``span``: each
    logit slider runs over ``[-span, span]``. Returns the widget (see
    :func:`bptutor.viz.live.live_figure`).
    """
    z0 = [float(v) for v in z0]
    if len(z0) < 2:
        raise ValueError(f"give at least two logits; got {len(z0)}")
    controls = {
        f"z{i}": widgets.FloatSlider(value=v, min=-span, max=span, step=0.1, description=f"z{i}",
                                     continuous_update=False)
        for i, v in enumerate(z0)
    }
    controls["temperature"] = widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
                                                     description="temperature", continuous_update=False)
    controls["target"] = widgets.Dropdown(options=list(range(len(z0))), value=int(target),
                                          description="true class")

    def draw(temperature, target, **logits):
        z = [logits[f"z{i}"] for i in range(len(z0))]
        return plot_softmax_bars(z, target, temperature)

    return live_figure(controls, draw)
