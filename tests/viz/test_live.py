"""Tests of bptutor.viz.live: headless figures and widgets, and the numbers they draw."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from bptutor.viz import live

# --- live -------------------------------------------------------------------------------------

def test_live_figure_redraws_with_new_values():
    calls = []

    def draw(k):
        calls.append(k)
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        return fig

    slider = widgets.IntSlider(value=1, min=0, max=5)
    box = live.live_figure({"k": slider}, draw)
    assert calls == [1] and box.values == {"k": 1}
    first = box.figure
    slider.value = 3
    assert calls == [1, 3] and box.values == {"k": 3}
    assert box.figure is not first
    assert box.figure.axes[0].lines[0].get_ydata()[1] == 3


def test_live_figure_rejects_non_widgets():
    with pytest.raises(ValueError, match="not an ipywidgets value widget"):
        live.live_figure({"k": 3}, lambda k: plt.figure())
    with pytest.raises(ValueError, match="controls is empty"):
        live.live_figure({}, lambda: plt.figure())




def test_live_figure_shows_each_drawing_as_a_png_picture():
    slider = widgets.IntSlider(value=1, min=0, max=5)

    def draw(k):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        return fig

    box = live.live_figure({"k": slider}, draw)
    picture = box.children[1]
    assert isinstance(picture, widgets.Image) and bytes(picture.value).startswith(b"\x89PNG")
    before = bytes(picture.value)
    slider.value = 4
    assert bytes(picture.value).startswith(b"\x89PNG") and bytes(picture.value) != before
    assert not plt.fignum_exists(box.figure.number), "drawn figures are closed, not left to pile up"
