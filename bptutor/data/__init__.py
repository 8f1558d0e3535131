"""Data sets for the course: XOR, two-dimensional toy sets, handwritten digits.

Everything is generated or shipped with the package (``digits.npz``, 45 KB);
nothing is downloaded. Every generator takes a ``seed`` and is deterministic.
"""
from __future__ import annotations

from importlib import resources

import numpy as np


def _positive_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")


def _non_negative(name, value):
    if not float(value) >= 0:
        raise ValueError(f"{name} must be a number >= 0 (the standard deviation of the noise); got {value!r}")


def xor():
    """The four XOR examples: ``X`` ``(4, 2)`` and targets ``T`` ``(4, 1)``, both float64."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    T = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, T


def spirals(n_per_class=100, n_classes=2, noise=0.2, seed=0):
    """Interleaved spirals (CS231n-style): ``X`` ``(n_per_class * n_classes, 2)``, integer labels ``y``."""
    _positive_int("n_per_class", n_per_class)
    _positive_int("n_classes", n_classes)
    _non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.zeros(n_per_class * n_classes, dtype=np.int64)
    for c in range(n_classes):
        idx = slice(c * n_per_class, (c + 1) * n_per_class)
        r = np.linspace(0.0, 1.0, n_per_class)
        theta = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.standard_normal(n_per_class) * noise
        X[idx] = np.c_[r * np.sin(theta), r * np.cos(theta)]
        y[idx] = c
    return X, y


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles: ``X`` ``(n, 2)``, labels ``y`` in {0, 1}."""
    _positive_int("n", n, minimum=2)
    _non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    n0 = n // 2
    n1 = n - n0
    a0 = np.linspace(0, np.pi, n0)
    a1 = np.linspace(0, np.pi, n1)
    X = np.r_[np.c_[np.cos(a0), np.sin(a0)], np.c_[1 - np.cos(a1), 0.5 - np.sin(a1)]]
    X += rng.standard_normal(X.shape) * noise
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    return X, y


def load_digits(test_fraction=0.25, seed=0):
    """Handwritten 8x8 digits, scaled to [0, 1], split into train and test sets.

    Returns ``(X_train, y_train, X_test, y_test)``: ``X_*`` float64 ``(n, 64)``,
    ``y_*`` int64 ``(n,)``. The split is a fixed permutation drawn from ``seed``;
    with the defaults 1,348 training and 449 test images.
    """
    with resources.files(__package__).joinpath("digits.npz").open("rb") as fh:
        with np.load(fh) as data:
            X = data["images"].astype(np.float64) / 16.0
            y = data["labels"].astype(np.int64)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1; got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def synthetic_digits(n_train=1348, n_test=449, n_features=64, n_classes=10, prototypes=3, noise=0.25, seed=0):
    """A fresh classification task shaped like the digits, different for every ``seed``.

    Each class is a few random "prototype images" (``n_features`` values in [0, 1]); an
    example is one of its class's prototypes plus Gaussian noise of standard deviation
    ``noise``, clipped to [0, 1]. A network trained on the examples learns the classes;
    nothing published can know them. Returns ``(X_train, y_train, X_test, y_test)`` like
    :func:`load_digits`, with shuffled rows and every class present.
    """
    for name, value in (("n_train", n_train), ("n_test", n_test), ("n_features", n_features),
                        ("prototypes", prototypes)):
        _positive_int(name, value)
    _positive_int("n_classes", n_classes, minimum=2)
    _non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.0, 1.0, size=(n_classes, prototypes, n_features))
    n = n_train + n_test
    y = np.arange(n) % n_classes  # every class present, near-equal counts
    rng.shuffle(y)
    which = rng.integers(0, prototypes, size=n)
    X = np.clip(centres[y, which] + rng.normal(0.0, noise, size=(n, n_features)), 0.0, 1.0)
    return X[:n_train], y[:n_train].astype(np.int64), X[n_train:], y[n_train:].astype(np.int64)
