"""a6 is graded on held-out digits that ship with the package: looking them up must not pass."""
import numpy as np

from bptutor import check
from bptutor.data import load_digits


def lookup_train_mlp(X, y, seed=0):
    """A 'solution' that memorises the bundled data set instead of learning."""
    X_a, y_a, X_b, y_b = load_digits()
    table = {row.tobytes(): label for row, label in zip(np.r_[X_a, X_b], np.r_[y_a, y_b])}
    return lambda X_new: np.array([table.get(np.asarray(r, dtype=np.float64).tobytes(), 0) for r in X_new])


def test_looking_up_the_bundled_digits_fails():
    for seed in range(3):
        result = check.train_mlp(lookup_train_mlp, seed=seed)
        assert not result.passed, result.feedback
        assert "held-out accuracy" in result.feedback


def test_a_real_network_passes_with_the_pixels_in_any_order():
    from bptutor.reference import train_mlp

    for seed in range(3):
        result = check.train_mlp(train_mlp, seed=seed)
        assert result.passed, result.feedback
