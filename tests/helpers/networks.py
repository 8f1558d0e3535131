"""Random fully connected networks for tests: weights ``(n_l, n_{l+1})``, biases ``(n_{l+1},)``."""
from __future__ import annotations

import numpy as np


def random_network(rng: np.random.Generator, sizes, scale: float = 1.0):
    """``(weights, biases)`` with standard-normal entries times ``scale``, drawn from ``rng``
    (weights first, layer by layer, then biases)."""
    weights = [scale * rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [scale * rng.standard_normal(b) for b in sizes[1:]]
    return weights, biases
