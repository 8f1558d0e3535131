"""Tests of bptutor.viz.softmax_plots: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest

from bptutor import reference
from bptutor.viz import softmax_plots

# --- softmax ----------------------------------------------------------------------------------

def test_softmax_and_gradient_matches_reference():
    z = np.array([2.0, 1.0, -1.0])
    s, g = softmax_plots.softmax_and_gradient(z, 1, temperature=2.0)
    np.testing.assert_allclose(s, reference.softmax(z / 2.0))
    Y = np.array([[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(g, reference.softmax_cross_entropy_backward((z / 2.0)[None], Y)[0])
    with pytest.raises(ValueError, match="target must be a class index"):
        softmax_plots.softmax_and_gradient(z, 3)
    with pytest.raises(ValueError, match="temperature must be positive"):
        softmax_plots.softmax_and_gradient(z, 0, temperature=0)


def test_softmax_sliders_move_the_bars():
    box = softmax_plots.softmax_sliders(z0=(1.0, 0.0, -1.0), target=0)
    before = [p.get_height() for p in box.figure.axes[0].patches]
    controls = box.children[0].children
    controls[2].value = 5.0  # raise the last logit
    after = [p.get_height() for p in box.figure.axes[0].patches]
    assert after[2] > before[2] and after[0] < before[0]
    grads = [p.get_height() for p in box.figure.axes[1].patches]
    assert grads[0] < 0 < grads[2]  # the true class is pushed up, the wrong one down
    controls[3].value = 10.0  # a high temperature flattens the probabilities
    flat = [p.get_height() for p in box.figure.axes[0].patches]
    assert max(flat) - min(flat) < max(after) - min(after)



def test_bars_fill_the_course_width():
    from bptutor.viz import style

    fig = softmax_plots.plot_softmax_bars([1.0, 0.0, -1.0], target=2)
    assert fig.get_figwidth() == pytest.approx(style.WIDTH)
    assert [t.get_text() for t in fig.axes[1].texts][2].startswith("-")  # the true class is pushed up
