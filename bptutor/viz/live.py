"""A figure that redraws itself when a control moves: the one widget pattern the lessons use.

:func:`live_figure` puts ipywidgets controls above an ``Output`` area and calls a
drawing function with the controls' current values whenever one of them changes.
The returned box remembers the last figure it drew (``box.figure``) and the values
it was drawn for (``box.values``), so a test can move a slider and check that the
picture changed without a browser.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display


def live_figure(controls: dict, draw, layout: str = "vertical"):
    """Controls plus an output area redrawn by ``draw(**values)`` on every change.

    ``controls``: name -> ipywidgets value widget (``IntSlider``, ``FloatSlider``,
    ``Dropdown``, ...); the names are the keyword arguments of ``draw``.
    ``draw``: returns a matplotlib ``Figure``; it is displayed in the output area
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
    out = widgets.Output()
    row = widgets.HBox if layout == "horizontal" else widgets.VBox
    box = widgets.VBox([row(list(controls.values())), out])

    def redraw(change=None):
        values = {name: control.value for name, control in controls.items()}
        fig = draw(**values)
        out.clear_output(wait=True)
        with out:
            display(fig)
        plt.close(fig)
        box.figure = fig
        box.values = values

    for control in controls.values():
        control.observe(redraw, names="value")
    box.redraw = redraw
    redraw()
    return box
