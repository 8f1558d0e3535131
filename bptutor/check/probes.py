"""A numerical gradient next to the expected value, for feedback.

An :class:`~bptutor.check.answers.Answer`'s ``probe(args, kwargs, key)`` returns
``(what L is, L as a function of one array, that array)``, a scalar whose gradient is
the output at ``key``; :func:`numerical_at` takes a central difference of it at one
entry, so the feedback can say "a numerical gradient agrees with the expected value,
not with yours".
"""
from __future__ import annotations

import numpy as np


def numerical_at(probe, args, kwargs, key, index, h=1e-5):
    """``(what, value)``: the central difference of the probe's ``L`` at one entry (``(None, None)`` if none)."""
    if probe is None:
        return None, None
    found = probe(args, kwargs, key)
    if found is None:
        return None, None
    what, L, x = found
    x = np.array(x, dtype=np.float64)
    if index is None or len(index) != x.ndim:
        return None, None
    old = x[index]
    x[index] = old + h
    up = L(x)
    x[index] = old - h
    down = L(x)
    return what, (up - down) / (2 * h)
