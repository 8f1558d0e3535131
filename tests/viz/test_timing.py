"""Tests of bptutor.viz.timing: headless figures and widgets, and the numbers they draw."""
import pytest

from bptutor.viz import timing

# --- timing ---------------------------------------------------------------------------------------

def test_best_time_orders_slow_and_fast():
    fast = timing.best_time(lambda: None, repeat=2, min_seconds=0.001)
    slow = timing.best_time(lambda: sum(range(20000)), repeat=2, min_seconds=0.001)
    assert 0 < fast < slow


def test_speedups_and_plot():
    times = {"loops": 1.0, "rows": 0.1, "matrix": 0.001}
    ups = timing.speedups(times)
    assert ups == pytest.approx({"loops": 1.0, "rows": 10.0, "matrix": 1000.0})
    ax = timing.plot_times(times)
    assert len(ax.patches) == 3
    assert "1,000x" in " ".join(t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="unit must be"):
        timing.plot_times(times, unit="h")


def test_time_forms_calls_each_form():
    seen = set()
    times = timing.time_forms({"a": lambda: seen.add("a"), "b": lambda: seen.add("b")}, repeat=1)
    assert seen == {"a", "b"} and set(times) == {"a", "b"}




def test_counted_counts_every_call_and_passes_results_through():
    calls = timing.counted(lambda x, y=1: x + y)
    assert calls.calls == 0
    assert calls(2) == 3 and calls(2, y=5) == 7
    assert calls.calls == 2
    with pytest.raises(ValueError, match="callable"):
        timing.counted(3)


def test_counted_sees_the_2P_calls_of_a_central_difference_gradient():
    import numpy as np

    from bptutor import gradcheck

    w = np.arange(6.0).reshape(2, 3)
    loss = timing.counted(lambda: float(np.sum(w ** 2)))
    grad = gradcheck.numerical_gradient(lambda _: loss(), w)
    assert loss.calls == 2 * w.size
    np.testing.assert_allclose(grad, 2 * w, atol=1e-6)
