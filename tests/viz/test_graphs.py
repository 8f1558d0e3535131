"""Tests of bptutor.viz.graphs: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from bptutor import gradcheck, reference
from bptutor.viz import graphs

# ---------------------------------------------------------------- graphs (lesson 00)

@pytest.mark.parametrize("x, y", [(1.0, 2.0), (-1.5, 0.3), (0.0, 0.0), (2.7, -3.0)])
def test_graph_backward_pass_matches_reference_and_numerical_gradient(x, y):
    values = graphs.forward_values(x, y)
    assert values["f"] == pytest.approx(reference.f(x, y))
    grads = graphs.backward_values(values)
    assert (grads["x"], grads["y"]) == pytest.approx(reference.grad_f(x, y))
    num = gradcheck.numerical_gradient(lambda v: reference.f(v[0], v[1]), np.array([x, y]))
    assert gradcheck.relative_error([grads["x"], grads["y"]], num) < 1e-8


def test_sum_over_paths_equals_backward_pass():
    values = graphs.forward_values(0.7, -1.2)
    grads = graphs.backward_values(values)
    for start in ("x", "y"):
        paths = graphs.paths_to_output(values, start)
        assert all(p[0] == start and p[-1] == "f" for p, _ in paths)
        assert sum(prod for _, prod in paths) == pytest.approx(grads[start])
    assert len(graphs.paths_to_output(values, "x")) == 3  # via p, q and s -> r
    assert len(graphs.paths_to_output(values, "y")) == 2
    with pytest.raises(ValueError, match="start must be one of"):
        graphs.paths_to_output(values, "z")


def test_draw_graph_returns_figure_with_values_written():
    fig = graphs.draw_graph(1.0, 2.0)
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"12", "10", "7"} <= texts  # f, df/dx, df/dy at (1, 2)


def test_graph_widget_redraws_when_slider_moves():
    w = graphs.graph_widget(x=1.0, y=2.0)
    assert w.last_drawn["values"]["f"] == pytest.approx(12.0)
    w.children[0].value = 2.0  # the x slider
    assert w.last_drawn["x"] == 2.0
    assert w.last_drawn["values"]["f"] == pytest.approx(reference.f(2.0, 2.0))
    assert w.last_drawn["grads"]["x"] == pytest.approx(reference.grad_f(2.0, 2.0)[0])




def test_graph_widget_draws_into_an_image_not_an_output_area():
    # an Output widget filled while its cell runs makes nbclient answer on the kernel's shell
    # socket while it waits there for the reply (a missed wakeup: the cell stalls to its timeout)
    import ipywidgets as widgets

    w = graphs.graph_widget(x=1.0, y=2.0)
    image = w.children[-1]
    assert isinstance(image, widgets.Image) and image.value[:4] == b"\x89PNG"
    assert not any(isinstance(c, widgets.Output) for c in w.children)
    before = image.value
    w.children[1].value = -1.0  # the y slider
    assert image.value != before
