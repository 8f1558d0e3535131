"""Drawings of small layered networks, and a step-by-step trace of backpropagation on them.

Lesson 03 steps through the 2-2-2 sigmoid net of the lecture slides; the same functions
draw any small layered net (lesson 04 reuses them).

Conventions (the course's): layer ``l`` has ``sizes[l]`` units, layer 0 is the
input ``x``; node ``(l, j)`` is unit ``j`` of layer ``l``; edge ``(l, i, j)`` is the
weight ``W(l)[i, j]`` from unit ``i`` of layer ``l-1`` to unit ``j`` of layer ``l``
(``W(l)`` has shape ``(n_{l-1}, n_l)``, ``z(l) = a(l-1) W(l) + b(l)``). Units are counted from 0,
like NumPy indices, in the drawings and in the step texts: unit ``j`` of the output is ``o[j]``.

* :func:`node_positions` -- where each unit is drawn.
* :func:`draw_network` -- the net with text on nodes and edges and highlighting.
* :func:`trace_backprop` -- the forward and backward pass of a sigmoid net as a list
  of :class:`Step` (what is computed, the formula with its numbers, what to highlight).
* :func:`draw_step` -- one step drawn on the net.
* :func:`step_widget` -- a slider (with a play button) over the steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from ..reference.activations import sigmoid
from ..reference.backprop import hidden_delta, output_delta, weight_gradient
from ..reference.losses import squared_error
from ..reference.shapes import check_network
from . import style

LAYER_GAP = 4.0
UNIT_GAP = 1.7
RADIUS = 0.36


def node_positions(sizes) -> dict[tuple[int, int], tuple[float, float]]:
    """``{(l, j): (x, y)}`` for a layered net with ``sizes[l]`` units in layer ``l``.

    Layers are columns left to right; each column is centred vertically and
    unit 0 is at the top.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two layers of >= 1 unit each; got {sizes}")
    pos = {}
    for l, n in enumerate(sizes):
        for j in range(n):
            pos[(l, j)] = (l * LAYER_GAP, ((n - 1) / 2 - j) * UNIT_GAP)
    return pos


def default_node_labels(sizes) -> dict[tuple[int, int], str]:
    """Course names of the units, counted from 0 like the arrays.

    ``x_j`` (inputs), ``a(l)_j`` (hidden), ``o_j`` (outputs); ``o_0`` is ``o[0]``.
    """
    L = len(sizes) - 1
    labels = {}
    for l, n in enumerate(sizes):
        for j in range(n):
            if l == 0:
                labels[(l, j)] = f"$x_{j}$"
            elif l == L:
                labels[(l, j)] = f"$o_{j}$"
            else:
                labels[(l, j)] = f"$a^{{({l})}}_{j}$"
    return labels


def draw_network(sizes, ax=None, node_text=None, edge_text=None, highlight_nodes=(),
                 highlight_edges=(), node_labels=None, title=None):
    """Draw a layered net; return the Figure.

    ``node_text``: ``{(l, j): str}`` written beside each unit (values, deltas);
    ``edge_text``: ``{(l, i, j): str}`` written along each edge (weights, gradients);
    labels of edges into unit 0 sit near the source, those into the last unit near the
    target, so labels of crossing edges do not collide; ``highlight_nodes``/``highlight_edges``:
    ids drawn in orange; ``node_labels``: text inside the circles (default
    :func:`default_node_labels`).
    """
    sizes = [int(n) for n in sizes]
    pos = node_positions(sizes)
    node_text = node_text or {}
    edge_text = edge_text or {}
    highlight_nodes = set(highlight_nodes)
    highlight_edges = set(highlight_edges)
    labels = node_labels or default_node_labels(sizes)
    if ax is None:
        width = (len(sizes) - 1) * LAYER_GAP + 1.8
        height = (max(sizes) - 1) * UNIT_GAP + 1.85
        fig, ax = style.figure(height=round(style.WIDTH * height / width + 1.3, 1))
    else:
        fig = ax.figure
    for l in range(1, len(sizes)):
        for i in range(sizes[l - 1]):
            for j in range(sizes[l]):
                (x0, y0), (x1, y1) = pos[(l - 1, i)], pos[(l, j)]
                hot = (l, i, j) in highlight_edges
                ax.plot([x0 + RADIUS, x1 - RADIUS], [y0, y1], color="tab:orange" if hot else "0.6",
                        lw=2.4 if hot else 1.0, zorder=1)
                text = edge_text.get((l, i, j))
                if text:
                    edge_frac = 0.5 if sizes[l] == 1 else 0.25 + 0.5 * j / (sizes[l] - 1)
                    mx = x0 + RADIUS + edge_frac * (x1 - x0 - 2 * RADIUS)
                    my = y0 + edge_frac * (y1 - y0)
                    ax.text(mx, my, text, ha="center", va="center", fontsize=11,
                            color="tab:orange" if hot else "0.15", zorder=4,
                            bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9))
    for (l, j), (cx, cy) in pos.items():
        hot = (l, j) in highlight_nodes
        ax.add_patch(plt.Circle((cx, cy), RADIUS, fc="#ffe2bf" if hot else "#eef2f7",
                                ec="tab:orange" if hot else "0.25", lw=2.2 if hot else 1.2, zorder=2))
        ax.text(cx, cy, labels[(l, j)], ha="center", va="center", fontsize=14, zorder=3)
        text = node_text.get((l, j))
        if text:
            ax.text(cx, cy - RADIUS - 0.08, text, ha="center", va="top", fontsize=11, zorder=3,
                    color="tab:red" if hot else "0.1")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 1.25, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=12, loc="left")
    return fig


@dataclass
class Step:
    """One step of a traced forward/backward pass.

    ``title``: what is computed; ``detail``: the formula with its numbers;
    ``nodes``/``edges``: ids to highlight; ``node_text``/``edge_text``: what every
    node and edge shows after this step; ``values``: the numbers computed here.
    """

    title: str
    detail: str
    nodes: tuple = ()
    edges: tuple = ()
    node_text: dict = field(default_factory=dict)
    edge_text: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def _g(v: float, digits: int) -> str:
    text = f"{v:.{digits}g}"
    return text.replace("-", "−")


def _p(v: float, digits: int) -> str:
    """A factor inside a product: negative numbers in parentheses."""
    return f"({_g(v, digits)})" if v < 0 else _g(v, digits)


def trace_backprop(x, t, weights, biases, lr: float = 0.5, digits: int = 4) -> list[Step]:
    """Trace one forward and backward pass of a sigmoid net (``E = 1/2 sum (t - o)^2``).

    ``x``: ``(n_0,)``; ``t``: ``(n_L,)``; ``weights[l]``: ``(n_l, n_{l+1})``;
    ``biases[l]``: ``(n_{l+1},)``. The steps, in order: the starting weights; one
    step per unit of the forward pass (``z = a W + b``, ``a = sigmoid(z)``); the
    error ``E``; one step per output unit (``delta = (o - t) o (1 - o)``, the per-neuron
    article's eq. (23) in the course's sign); one per hidden unit (its eq. (34)); one per
    layer of weight gradients (``dE/dW = outer(a_prev, delta)``, eq. (24)); the update
    ``W <- W - lr dE/dW``. Numbers come from :mod:`bptutor.reference`; each step's
    ``values`` dict holds them unrounded; ``digits`` only affects the text.
    """
    x, weights, biases = check_network(x, weights, biases)
    t = np.asarray(t, dtype=np.float64)
    sizes = [x.shape[0]] + [W.shape[1] for W in weights]
    if t.shape != (sizes[-1],):
        raise ValueError(f"t has shape {t.shape}; expected ({sizes[-1]},), one target per output")
    L = len(weights)
    g = lambda v: _g(v, digits)  # noqa: E731
    p = lambda v: _p(v, digits)  # noqa: E731
    node_text = {(0, i): f"{g(x[i])}" for i in range(sizes[0])}
    edge_text = {(l + 1, i, j): f"{g(weights[l][i, j])}" for l in range(L)
                 for i in range(sizes[l]) for j in range(sizes[l + 1])}
    steps = [Step("Start: inputs on the left, weights W on the edges",
                  f"x = {np.round(x, digits).tolist()}, t = {np.round(t, digits).tolist()}, "
                  f"biases = {[np.round(b, digits).tolist() for b in biases]}",
                  node_text=dict(node_text), edge_text=dict(edge_text))]

    a = [x]
    for l in range(1, L + 1):  # forward pass, unit by unit
        W, b = weights[l - 1], biases[l - 1]
        z = a[-1] @ W + b  # z = a W + b (the per-neuron article, eq. (1))
        a_l = sigmoid(z)  # a = f(z) (eq. (2))
        for j in range(sizes[l]):
            terms = " + ".join(f"{p(a[-1][i])}·{p(W[i, j])}" for i in range(sizes[l - 1]))
            node_text[(l, j)] = f"z={g(z[j])}\na={g(a_l[j])}"
            steps.append(Step(
                f"Forward, layer {l}, unit {j}: weighted sum, then sigmoid",
                f"z = {terms} + {p(b[j])} = {g(z[j])};   a = σ(z) = {g(a_l[j])}",
                nodes=((l, j),), edges=tuple((l, i, j) for i in range(sizes[l - 1])),
                node_text=dict(node_text), edge_text=dict(edge_text),
                values={"z": float(z[j]), "a": float(a_l[j])}))
        a.append(a_l)
    o = a[-1]
    E = squared_error(o, t)  # the per-neuron article, eq. (4)
    terms = " + ".join(f"½({g(t[k])} − {p(o[k])})²" for k in range(sizes[-1]))
    steps.append(Step("Error of this example", f"E = {terms} = {_g(E, max(digits, 9))}",
                      nodes=tuple((L, k) for k in range(sizes[-1])),
                      node_text=dict(node_text), edge_text=dict(edge_text), values={"E": E}))

    deltas = [None] * (L + 1)
    deltas[L] = output_delta(o, t)  # the per-neuron article, eq. (23), course sign
    for k in range(sizes[-1]):
        node_text[(L, k)] += f"\nδ={g(deltas[L][k])}"
        steps.append(Step(
            f"Backward, output unit {k}: δ = ∂E/∂z = (o − t)·o·(1 − o)",
            f"δ = ({g(o[k])} − {p(t[k])})·{g(o[k])}·(1 − {g(o[k])}) = {g(deltas[L][k])}",
            nodes=((L, k),), node_text=dict(node_text), edge_text=dict(edge_text),
            values={"delta": float(deltas[L][k])}))
    for l in range(L - 1, 0, -1):
        deltas[l] = hidden_delta(deltas[l + 1], weights[l], a[l])  # eq. (34)
        for j in range(sizes[l]):
            terms = " + ".join(f"{p(deltas[l + 1][k])}·{p(weights[l][j, k])}"
                               for k in range(sizes[l + 1]))
            node_text[(l, j)] += f"\nδ={g(deltas[l][j])}"
            steps.append(Step(
                f"Backward, layer {l}, unit {j}: δ = a(1 − a)·Σₖ δₖ Wⱼₖ",
                f"δ = {g(a[l][j])}·(1 − {g(a[l][j])})·({terms}) = {g(deltas[l][j])}",
                nodes=((l, j),), edges=tuple((l + 1, j, k) for k in range(sizes[l + 1])),
                node_text=dict(node_text), edge_text=dict(edge_text),
                values={"delta": float(deltas[l][j])}))

    grads = [None] * L
    for l in range(L, 0, -1):
        grads[l - 1] = weight_gradient(a[l - 1], deltas[l])  # eq. (24), course sign
        for i in range(sizes[l - 1]):
            for j in range(sizes[l]):
                edge_text[(l, i, j)] = g(grads[l - 1][i, j])
        steps.append(Step(
            f"Gradients of layer {l}: ∂E/∂W[i, j] = a_prev[i]·δ[j] (now on its edges)",
            "; ".join(f"W{l}[{i},{j}]: {p(a[l - 1][i])}·{p(deltas[l][j])}"
                      f" = {g(grads[l - 1][i, j])}"
                      for i in range(sizes[l - 1]) for j in range(sizes[l])),
            edges=tuple((l, i, j) for i in range(sizes[l - 1]) for j in range(sizes[l])),
            node_text=dict(node_text), edge_text=dict(edge_text),
            values={"dW": grads[l - 1].copy(), "db": deltas[l].copy()}))

    new_weights = [W - lr * dW for W, dW in zip(weights, grads)]  # W <- W - eta dE/dW
    for l in range(1, L + 1):
        for i in range(sizes[l - 1]):
            for j in range(sizes[l]):
                edge_text[(l, i, j)] = f"{g(new_weights[l - 1][i, j])}"
    steps.append(Step(
        f"Update: W ← W − η ∂E/∂W with η = {lr:g} (all gradients used the old weights)",
        "the edges show the new weights; biases: b ← b − η δ",
        edges=tuple(edge_text), node_text=dict(node_text), edge_text=dict(edge_text),
        values={"weights": new_weights,
                "biases": [b - lr * deltas[l + 1] for l, b in enumerate(biases)]}))
    return steps


def draw_step(sizes, steps: list[Step], k: int, ax=None):
    """Draw step ``k`` of :func:`trace_backprop` on the net; return the Figure."""
    if not 0 <= k < len(steps):
        raise ValueError(f"k must lie in [0, {len(steps) - 1}]; got {k}")
    s = steps[k]
    detail = s.detail if len(s.detail) < 110 else s.detail.replace("; ", "\n")
    return draw_network(sizes, ax=ax, node_text=s.node_text, edge_text=s.edge_text,
                        highlight_nodes=s.nodes, highlight_edges=s.edges,
                        title=f"step {k}/{len(steps) - 1}: {s.title}\n{detail}")


def step_widget(x, t, weights, biases, lr: float = 0.5, digits: int = 4, k: int = 0):
    """A slider (and a play button) over the steps of :func:`trace_backprop`.

    Returns an ``ipywidgets.VBox`` holding the controls and the drawing; its
    ``last_drawn`` dict holds the step index and title last drawn, its ``slider``
    attribute is the step slider.
    """
    import ipywidgets as widgets

    steps = trace_backprop(x, t, weights, biases, lr, digits)
    sizes = [np.asarray(x).shape[0]] + [np.asarray(W).shape[1] for W in weights]
    slider = widgets.IntSlider(value=k, min=0, max=len(steps) - 1, description="step")
    play = widgets.Play(value=k, min=0, max=len(steps) - 1, interval=1500, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    image = style.picture()
    box = widgets.VBox([widgets.HBox([play, slider]), image])
    box.last_drawn = {}
    box.slider = slider

    def redraw(change=None):
        box.last_drawn.update(k=slider.value, title=steps[slider.value].title)
        image.value = style.png(draw_step(sizes, steps, slider.value))

    slider.observe(redraw, names="value")
    redraw()
    return box
