"""The running example of lesson 00: ``f(x, y) = x^2 + x y + (x + y)^2`` (the lecture slides).

As a computational graph: ``p = x^2``, ``q = x y``, ``s = x + y``, ``r = s^2``,
``f = p + q + r``. Each input reaches ``f`` along several paths, and the chain
rule sums over them (the lecture slides: ``df/dx = sum_i df/dg_i dg_i/dx``).
"""
from __future__ import annotations

import numpy as np

from .shapes import as_float_array, same_shape


def f(x, y):
    """``x^2 + x y + (x + y)^2``; scalars or arrays of one shape."""
    return x * x + x * y + (x + y) ** 2


def grad_f(x, y):
    """``(df/dx, df/dy)`` of :func:`f`, by the chain rule summed over paths.

    ``df/dx = 2x  (via p) + y  (via q) + 2(x + y)  (via r, s)``
    ``df/dy =          x  (via q) + 2(x + y)  (via r, s)``
    Scalars or arrays of one shape; returns a tuple of two values of that shape.
    """
    x = as_float_array("x", x) if not np.isscalar(x) else float(x)
    y = as_float_array("y", y) if not np.isscalar(y) else float(y)
    if np.ndim(x) and np.ndim(y):
        same_shape("x", x, "y", y)  # the contract: scalars, or arrays of one shape
    s = x + y
    dr_ds = 2.0 * s
    return 2.0 * x + y + dr_ds, x + dr_ds
