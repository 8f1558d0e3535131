"""One figure style for the whole course: figures as wide as the notebook, text you can read.

JupyterLab shows a figure at its own pixel size, shrunk to fit the notebook column but never
enlarged. At the inline backend's 100 dpi a figure :data:`WIDTH` inches wide is 1100 px, a little
wider than the column of a notebook in a 1280 px browser window (and than GitHub's page), so every
course figure fills the column; the fonts of :data:`RC` are chosen to stay legible after that
shrinking. Use it in two ways::

    from bptutor.viz import style
    fig, ax = style.figure()                 # one axes, full width, course fonts
    fig, (a, b) = style.figure(ncols=2)      # side by side
    fig, ax = style.figure(height=3.0)       # a shorter strip

or call :func:`use` once and size figures with :data:`SIZE` / :data:`WIDTH` yourself.

A widget that redraws a figure shows it in :func:`picture` (an ``ipywidgets.Image``) set to
:func:`png` of the figure, not in an ``Output`` widget: a figure drawn into an ``Output`` widget
while its cell runs makes nbclient (``jupyter nbconvert --execute``) answer on the kernel's shell
socket while it waits for the cell's reply on that socket, and the reply can be missed until the
cell timeout.
"""
from __future__ import annotations

import io

import matplotlib.pyplot as plt

#: width of every full-width figure, in inches (x 100 dpi = pixels)
WIDTH = 11.0
#: height of a one-row figure, in inches
HEIGHT = 4.2
#: ``figsize`` of a one-row, full-width figure
SIZE = (WIDTH, HEIGHT)
#: height of each row when a figure has several rows
ROW_HEIGHT = 3.2

#: matplotlib settings of the course (fixed dpi: stored outputs say "<Figure size 1100x420 ...>")
RC = {
    "figure.dpi": 100,
    "savefig.dpi": "figure",
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.framealpha": 0.9,
    "lines.linewidth": 1.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def use() -> None:
    """Apply :data:`RC` to matplotlib (idempotent; the course's viz functions call it)."""
    plt.rcParams.update(RC)


def figure(nrows: int = 1, ncols: int = 1, height: float | None = None, width: float = WIDTH, **subplots_kw):
    """A new figure in the course style: ``plt.subplots`` at full width with constrained layout.

    ``height`` defaults to :data:`HEIGHT` for one row and :data:`ROW_HEIGHT` per row otherwise.
    Other keywords go to ``plt.subplots`` (``sharey=True``, ``gridspec_kw=...``, ``squeeze=False``).
    Returns ``(fig, axes)`` exactly as ``plt.subplots`` does.
    """
    use()
    if height is None:
        height = HEIGHT if nrows == 1 else ROW_HEIGHT * nrows
    subplots_kw.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, figsize=(width, height), **subplots_kw)


def png(fig, close: bool = True) -> bytes:
    """``fig`` as PNG bytes, cropped like the inline backend's picture; closes ``fig`` unless told not to."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    if close:
        plt.close(fig)
    return buf.getvalue()


def picture():
    """An empty ``ipywidgets.Image`` for :func:`png` bytes, never wider than the notebook column."""
    import ipywidgets as widgets

    return widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
