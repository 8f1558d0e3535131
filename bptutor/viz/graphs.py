"""The computational graph of lesson 00: ``f(x, y) = x^2 + x y + (x + y)^2`` (the lecture slides).

The graph has seven nodes::

    x ─┬─> p = x^2 ──────────┐
       ├─> q = x y ──────────┼─> f = p + q + r
    y ─┼─> s = x + y ─> r = s^2
       └───(y feeds q and s)

* :func:`forward_values` -- the value of every node (the forward pass).
* :func:`local_gradients` -- the derivative of each node with respect to each of
  its arguments, one number per edge (what each node knows about itself).
* :func:`backward_values` -- ``df/d(node)`` for every node, computed right to left:
  each node's gradient is the sum over its outgoing edges of
  ``(gradient of the child) * (local gradient of the edge)`` (the lecture slides' sum
  over paths; the handbook chapter's "backprop = the chain rule applied right to left").
* :func:`paths_to_output` -- every path from an input to ``f`` with the product of
  its local gradients: their sum is the partial derivative (the lecture slides).
* :func:`draw_graph` -- the graph with forward values (green) and gradients (red).
* :func:`graph_widget` -- sliders for ``x`` and ``y`` that redraw the graph.

The sources' short names are explained in ``lessons/sources.ipynb``.

None of this calls :func:`bptutor.reference.grad_f`: the lesson compares the two.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

from . import style

#: node name -> (operation shown in the circle, (column, row) position in the drawing)
NODES = {
    "x": ("x", (0.0, 2.0)),
    "y": ("y", (0.0, 0.0)),
    "p": ("x²", (2.2, 3.0)),
    "q": ("x·y", (2.2, 1.5)),
    "s": ("x+y", (2.2, 0.0)),
    "r": ("s²", (4.2, 0.0)),
    "f": ("p+q+r", (6.2, 1.5)),
}

#: edges (argument, node) in topological order of the node
EDGES = (
    ("x", "p"),
    ("x", "q"), ("y", "q"),
    ("x", "s"), ("y", "s"),
    ("s", "r"),
    ("p", "f"), ("q", "f"), ("r", "f"),
)

#: nodes in the order the forward pass computes them
ORDER = ("x", "y", "p", "q", "s", "r", "f")


def forward_values(x: float, y: float) -> dict[str, float]:
    """Value of every node of the graph at ``(x, y)`` (scalars): keys ``x y p q s r f``."""
    x, y = float(x), float(y)
    v = {"x": x, "y": y}
    v["p"] = x * x
    v["q"] = x * y
    v["s"] = x + y
    v["r"] = v["s"] ** 2
    v["f"] = v["p"] + v["q"] + v["r"]
    return v


def local_gradients(values: dict[str, float]) -> dict[tuple[str, str], float]:
    """``d(node)/d(argument)`` for every edge ``(argument, node)``, given the forward values.

    Each node only needs its own inputs: ``dp/dx = 2x``, ``dq/dx = y``, ``dq/dy = x``,
    ``ds/dx = ds/dy = 1``, ``dr/ds = 2s`` and ``df/dp = df/dq = df/dr = 1``.
    """
    v = values
    return {
        ("x", "p"): 2.0 * v["x"],
        ("x", "q"): v["y"],
        ("y", "q"): v["x"],
        ("x", "s"): 1.0,
        ("y", "s"): 1.0,
        ("s", "r"): 2.0 * v["s"],
        ("p", "f"): 1.0,
        ("q", "f"): 1.0,
        ("r", "f"): 1.0,
    }


def backward_values(values: dict[str, float]) -> dict[str, float]:
    """``df/d(node)`` for every node, by one right-to-left sweep over the graph.

    Start with ``df/df = 1``; visit nodes in reverse order; each edge
    ``(argument, node)`` adds ``df/d(node) * d(node)/d(argument)`` to the
    argument's gradient (``+=``: a node used twice collects both contributions).
    """
    local = local_gradients(values)
    grad = {name: 0.0 for name in ORDER}
    grad["f"] = 1.0
    for node in reversed(ORDER):
        for arg, child in EDGES:
            if child == node:
                grad[arg] += grad[node] * local[(arg, child)]  # the lecture slides: sum over paths
    return grad


def paths_to_output(values: dict[str, float], start: str) -> list[tuple[tuple[str, ...], float]]:
    """Every path ``start -> ... -> f`` with the product of the local gradients along it.

    Their sum is ``df/d(start)`` (the lecture slides: ``df/dx = sum_i df/dg_i dg_i/dx``).
    """
    if start not in NODES:
        raise ValueError(f"start must be one of {list(NODES)}; got {start!r}")
    local = local_gradients(values)
    found = []

    def walk(node, path, product):
        if node == "f":
            found.append((tuple(path), product))
            return
        for arg, child in EDGES:
            if arg == node:
                walk(child, path + [child], product * local[(arg, child)])

    walk(start, [start], 1.0)
    return found


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def draw_graph(x: float, y: float, ax=None, show_backward: bool = True):
    """Draw the graph of ``f`` at ``(x, y)``; return the matplotlib Figure.

    Each node shows its operation, its forward value (green, above) and, when
    ``show_backward``, its gradient ``df/d(node)`` (red, below). Each edge is
    labelled with its local gradient ``d(node)/d(argument)`` (blue).
    """
    values = forward_values(x, y)
    grads = backward_values(values)
    local = local_gradients(values)
    if ax is None:
        fig, ax = style.figure(height=5.6)
    else:
        fig = ax.figure
    radius = 0.42
    for arg, child in EDGES:
        (x0, y0), (x1, y1) = NODES[arg][1], NODES[child][1]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5
        ux, uy = dx / norm, dy / norm
        ax.annotate("", xy=(x1 - ux * radius, y1 - uy * radius),
                    xytext=(x0 + ux * radius, y0 + uy * radius),
                    arrowprops=dict(arrowstyle="->", color="0.45", lw=1.2))
        if show_backward:
            frac = 0.38 if arg in ("x", "y") else 0.5  # keep labels of crossing edges apart
            mx, my = x0 + frac * dx, y0 + frac * dy
            ax.text(mx, my + 0.1, _fmt(local[(arg, child)]), color="tab:blue", fontsize=12,
                    ha="center", va="bottom",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    for name, (op, (cx, cy)) in NODES.items():
        ax.add_patch(plt.Circle((cx, cy), radius, fc="#f4f4f4", ec="0.2", lw=1.3, zorder=3))
        ax.text(cx, cy, op if name in ("x", "y") else f"{name}\n{op}", ha="center", va="center",
                fontsize=12, zorder=4)
        ax.text(cx, cy + radius + 0.08, _fmt(values[name]), color="tab:green", ha="center",
                va="bottom", fontsize=13, fontweight="bold")
        if show_backward:
            ax.text(cx, cy - radius - 0.08, _fmt(grads[name]), color="tab:red", ha="center",
                    va="top", fontsize=13, fontweight="bold")
    title = f"f(x, y) at x = {_fmt(x)}, y = {_fmt(y)}:  forward values (green)"
    if show_backward:
        title += ",\nlocal gradients on edges (blue), df/d(node) (red)"
    ax.set_title(title)
    ax.set_xlim(-0.8, 7.0)
    ax.set_ylim(-1.0, 3.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def graph_widget(x: float = 1.0, y: float = 2.0):
    """Sliders for ``x`` and ``y`` (in [-3, 3]) that redraw :func:`draw_graph`.

    Returns an ``ipywidgets.VBox`` (the two sliders, then the picture); its ``last_drawn``
    dict holds the values and gradients last drawn.
    """
    import ipywidgets as widgets

    sliders = [widgets.FloatSlider(value=v, min=-3.0, max=3.0, step=0.1, description=name)
               for name, v in (("x", x), ("y", y))]
    image = style.picture()
    box = widgets.VBox([*sliders, image])
    box.last_drawn = {}

    def redraw(change=None):
        x, y = (s.value for s in sliders)
        values = forward_values(x, y)
        box.last_drawn.update(x=x, y=y, values=values, grads=backward_values(values))
        image.value = style.png(draw_graph(x, y))

    for s in sliders:
        s.observe(redraw, names="value")
    redraw()
    return box
