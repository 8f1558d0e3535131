"""The class report's pictures: PNG images drawn with matplotlib's Agg renderer, as ``data:`` URIs.

No pyplot and no global backend: each picture is a :class:`matplotlib.figure.Figure` drawn on its
own Agg canvas, so the report can be written from any process (a notebook, a test, a server)
without touching its plotting state. The PNG has no timestamp or software tag, so the same numbers
give the same bytes.
"""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

DPI = 100
BAR = "#4c72b0"
MARK = "#c44e52"


@dataclass(frozen=True)
class Image:
    src: str  # data:image/png;base64,...
    width: int  # pixels
    height: int


def _figure(width_in: float, height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    width, height = (round(x) for x in fig.get_size_inches() * DPI)
    return Image("data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"), width, height)


def _plain(text: str) -> str:
    """Text for a matplotlib label: a ``$`` would start mathtext."""
    return text.replace("\\", "\\\\").replace("$", r"\$")


def score_histogram(scores, max_score: float, threshold: float) -> Image:
    """Students per score: one bar per whole point from 0 to ``max_score``; a dashed line at ``threshold``.

    ``scores``: a list of floats (one per student).
    """
    import numpy as np

    top = max([max_score] + list(scores)) if scores else max_score
    edges = np.arange(0, np.floor(top) + 2) - 0.5
    counts, _ = np.histogram(scores, bins=edges)
    fig = _figure(5.6, 2.4)
    ax = fig.add_axes((0.1, 0.2, 0.86, 0.72))
    ax.bar(edges[:-1] + 0.5, counts, width=0.8, color=BAR)
    ax.axvline(math.ceil(threshold) - 0.5, color=MARK, linestyle="--", linewidth=1)  # below it: under threshold
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xticks(np.arange(0, np.floor(top) + 1))
    ax.set_xlabel("score")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def mistake_bars(items) -> Image:
    """Horizontal bars, most frequent on top. ``items``: ``[(label, students), ...]`` in that order."""
    labels = [_plain(label if len(label) <= 48 else label[:47] + "…") for label, _ in items]
    counts = [n for _, n in items]
    fig = _figure(5.6, 0.5 + 0.28 * len(items))
    ax = fig.add_axes((0.5, 0.5 / (0.5 + 0.28 * len(items)), 0.45, 1 - 0.6 / (0.5 + 0.28 * len(items))))
    positions = list(range(len(items)))[::-1]
    ax.barh(positions, counts, height=0.7, color=MARK)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, max(counts) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    for y, n in zip(positions, counts):
        ax.text(n, y, f" {n}", va="center", fontsize=8)
    return _png(fig)
