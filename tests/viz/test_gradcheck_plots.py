"""Tests of bptutor.viz.gradcheck_plots: headless figures and widgets, and the numbers they draw."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from bptutor.viz import gradcheck_plots

# ---------------------------------------------------------------- gradcheck_plots (lesson 01)

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _dsig(z):
    return _sig(z) * (1 - _sig(z))


def test_difference_quotients_have_taylor_orders():
    exact = _dsig(0.5)
    errs_f, errs_c = [], []
    for h in (1e-2, 1e-3):
        fwd, cen = gradcheck_plots.difference_quotients(_sig, 0.5, h)
        errs_f.append(abs(fwd - exact))
        errs_c.append(abs(cen - exact))
    # ten times smaller h: forward error ~10x smaller (O(h)), central ~100x (O(h^2))
    assert 7 < errs_f[0] / errs_f[1] < 13
    assert 70 < errs_c[0] / errs_c[1] < 130


def test_best_steps_in_float64_and_float32():
    hs, fwd, cen = gradcheck_plots.step_errors(_sig, _dsig, 0.5)
    h_fwd, _ = gradcheck_plots.best_step(hs, fwd)
    h_cen, e_cen = gradcheck_plots.best_step(hs, cen)
    assert 1e-10 <= h_fwd <= 1e-6
    assert 1e-7 <= h_cen <= 1e-3
    assert e_cen < 1e-10
    hs32, _, cen32 = gradcheck_plots.step_errors(_sig, _dsig, 0.5, dtype=np.float32)
    h32, e32 = gradcheck_plots.best_step(hs32, cen32)
    assert h32 > 100 * h_cen and e32 > 1e3 * e_cen  # float32: larger best step, far worse error


def test_step_errors_rejects_bad_steps():
    with pytest.raises(ValueError, match="positive steps"):
        gradcheck_plots.step_errors(_sig, _dsig, 0.5, hs=[1e-3, 0.0])


def test_plots_return_figures():
    assert isinstance(gradcheck_plots.plot_step_errors(_sig, _dsig, 0.5,
                                                       dtypes=(np.float64, np.float32)), Figure)
    assert isinstance(gradcheck_plots.plot_relative_errors({"ok": 1e-10, "bug": 0.5}), Figure)
    assert isinstance(gradcheck_plots.plot_secants(_sig, _dsig, 0.5, 0.3), Figure)
    with pytest.raises(ValueError, match="empty"):
        gradcheck_plots.plot_relative_errors({})


def test_step_widget_redraws_when_slider_moves():
    w = gradcheck_plots.step_widget(_sig, _dsig, 0.5, log10_h=-0.5)
    before = dict(w.last_drawn)
    w.children[0].value = -1.5
    assert w.last_drawn["h"] == pytest.approx(10 ** -1.5)
    assert w.last_drawn["forward"] != before["forward"]
    assert abs(w.last_drawn["central"] - _dsig(0.5)) < abs(before["central"] - _dsig(0.5))


