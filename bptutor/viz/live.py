"""A figure that redraws itself when a control moves: the one widget pattern the lessons use.

:func:`live_figure` puts ipywidgets controls above a picture (an ``ipywidgets.Image``,
see :func:`bptutor.viz.style.picture`) and calls a drawing function with the controls'
current values whenever one of them changes. The returned box remembers the last figure
it drew (``box.figure``) and the values it was drawn for (``box.values``), so a test can
move a slider and check that the picture changed without a browser.

The picture is PNG bytes in an ``Image`` rather than a figure displayed in an ``Output``
area: drawing into an ``Output`` widget while the cell runs makes nbclient answer on the
kernel's shell socket in the middle of the cell, and the cell's reply can then be missed
until the cell times out (:mod:`bptutor.viz.style` explains).
"""
from __future__ import annotations

import ipywidgets as widgets

from . import style


def live_figure(controls: dict, draw, layout: str = "vertical"):
    """Controls plus an output area redrawn by ``draw(**values)`` on every change.

    ``controls``: name -> ipywidgets value widget (``IntSlider``, ``FloatSlider``,
    ``Dropdown``, ...); the names are the keyword arguments of ``draw``.
    ``draw``: returns a matplotlib ``Figure``; it is rendered to the picture as PNG
    and then closed (so figures do not pile up).
    ``layout``: ``"vertical"`` stacks the controls, ``"horizontal"`` puts them in a row.

    Returns a ``VBox`` with two extra attributes, ``figure`` and ``values``, and a
    ``redraw()`` method. The figure for the initial values is drawn immediately.
    """
    if not controls:
        raise ValueError("controls is empty; give at least one widget, e.g. {'epoch': IntSlider(...)}")
    for name, control in controls.items():
        if not hasattr(control, "value") or not hasattr(control, "observe"):
            raise ValueError(f"control {name!r} is a {type(control).__name__}, not an ipywidgets value widget")
    image = style.picture()
    row = widgets.HBox if layout == "horizontal" else widgets.VBox
    box = widgets.VBox([row(list(controls.values())), image])

    def redraw(change=None):
        values = {name: control.value for name, control in controls.items()}
        fig = draw(**values)
        image.value = style.png(fig)  # rendered, then closed
        box.figure = fig
        box.values = values

    for control in controls.values():
        control.observe(redraw, names="value")
    box.redraw = redraw
    redraw()
    return box
