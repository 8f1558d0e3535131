"""Comparing a returned value with the expected one, trusting nothing about its structure.

Values here are *plain*: float64 arrays (0-d for numbers) in nested lists, as
:func:`bptutor.trials.to_plain` produces them. The student's value may have any
structure at all (wrong nesting, wrong shapes, NaN); every function below
returns a description of the difference instead of raising.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..assignments.model import DEFAULT_FLOOR as FLOOR  # how questions are compared unless they say otherwise
from ..assignments.model import DEFAULT_TOL as TOL


@dataclass
class Problem:
    """The first difference between a returned value and the expected one.

    ``kind``: ``"count"`` (wrong number of returned items), ``"type"`` (an array
    where a tuple was expected or the reverse), ``"shape"``, ``"nonfinite"``
    (NaN or inf where the expected value is finite) or ``"value"``.
    ``where``: the output's name, e.g. ``"grads_W[1]"``; ``key``: its position
    in the structure (a tuple of ints); ``index``: the worst entry.
    """

    kind: str
    where: str
    key: tuple = ()
    expected_shape: tuple | None = None
    got_shape: tuple | None = None
    index: tuple | None = None
    expected: float | None = None
    got: float | None = None
    error: float | None = None
    expected_count: int | None = None
    got_count: int | None = None


def is_plain(value, depth=0) -> bool:
    """True for a float64 ndarray or a (nested) list of them."""
    if type(value) is np.ndarray:  # noqa: E721
        return True
    if type(value) is list and depth < 6:  # noqa: E721
        return all(is_plain(v, depth + 1) for v in value)
    return False


def conform(got, expected):
    """Forgive harmless differences of container.

    A stacked array where a tuple of equal-shaped arrays was expected
    (``np.array([dx, dy])``), a list of rows where an array was expected, a 1-element
    array where a number was expected.

    Returns ``got`` rearranged when one of these applies, else ``got`` unchanged.
    """
    if type(expected) is np.ndarray:  # noqa: E721
        if type(got) is list and got and all(type(g) is np.ndarray for g in got):  # noqa: E721
            if len({g.shape for g in got}) == 1 and got[0].ndim < expected.ndim:
                got = np.stack(got)
        if type(got) is np.ndarray and expected.ndim == 0 and got.size == 1:  # noqa: E721
            got = got.reshape(())
        return got
    if type(got) is np.ndarray and got.ndim >= 1 and got.shape[0] == len(expected):  # noqa: E721
        if all(type(e) is np.ndarray and e.shape == got.shape[1:] for e in expected):  # noqa: E721
            got = [np.array(g, dtype=np.float64) for g in got]
    if type(got) is list and len(got) == len(expected):  # noqa: E721
        return [conform(g, e) for g, e in zip(got, expected)]
    return got


def name_of(names, key) -> str:
    """Display name of the output at position ``key``: ``names`` names the top-level items."""
    if not key:
        return names if isinstance(names, str) else "your result"
    if isinstance(names, (tuple, list)) and key[0] < len(names):
        head = names[key[0]]
        rest = key[1:]
    else:
        head, rest = "your result", key
    return head + "".join(f"[{i}]" for i in rest)


def leaf_errors(got: np.ndarray, expected: np.ndarray, floor: float = FLOOR) -> np.ndarray:
    """Elementwise relative error ``|g - e| / max(|g| + |e|, floor * max|e|, 1e-8)``.

    The floor makes entries that are tiny next to the rest of the output compare
    absolutely, so round-off in a near-zero entry is not called a mistake.
    """
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    denom = np.maximum(np.abs(got) + np.abs(expected), max(1e-8, floor * scale))
    with np.errstate(invalid="ignore", over="ignore"):
        return np.abs(got - expected) / denom


def first_problem(got, expected, names=None, tol=TOL, floor=FLOOR, key=()) -> Problem | None:
    """The first difference between ``got`` and ``expected`` (both plain), or ``None``."""
    where = name_of(names, key)
    if type(expected) is list:  # noqa: E721
        if type(got) is not list:  # noqa: E721
            return Problem("type", where, key, expected_count=len(expected),
                           got_shape=getattr(got, "shape", None))
        if len(got) != len(expected):
            return Problem("count", where, key, expected_count=len(expected), got_count=len(got))
        for i, (g, e) in enumerate(zip(got, expected)):
            p = first_problem(g, e, names, tol, floor, key + (i,))
            if p is not None:
                return p
        return None
    if type(got) is not np.ndarray:  # noqa: E721
        return Problem("type", where, key, expected_shape=expected.shape,
                       got_count=len(got) if type(got) is list else None)  # noqa: E721
    if got.shape != expected.shape:
        return Problem("shape", where, key, expected_shape=expected.shape, got_shape=got.shape)
    bad = ~np.isfinite(got) & np.isfinite(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return Problem("nonfinite", where, key, expected_shape=expected.shape, got_shape=got.shape,
                       index=idx, expected=float(expected[idx]), got=float(got[idx]))
    if not expected.size:
        return None
    errs = leaf_errors(got, expected, floor)
    errs = np.where(np.isfinite(expected), errs, 0.0)
    worst = float(np.max(errs))
    if worst <= tol:
        return None
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(errs)), errs.shape))
    return Problem("value", where, key, expected_shape=expected.shape, got_shape=got.shape,
                   index=idx, expected=float(expected[idx]), got=float(got[idx]), error=worst)


def close(a, b, tol=1e-6, floor=FLOOR) -> bool:
    """``a`` and ``b`` (plain) have the same structure and agree to ``tol``; NaN equals NaN."""
    if type(a) is list or type(b) is list:  # noqa: E721
        return (type(a) is list and type(b) is list and len(a) == len(b)  # noqa: E721
                and all(close(x, y, tol, floor) for x, y in zip(a, b)))
    if type(a) is not np.ndarray or type(b) is not np.ndarray or a.shape != b.shape:  # noqa: E721
        return False
    if not a.size:
        return True
    with np.errstate(invalid="ignore", over="ignore"):
        scale = float(np.abs(b).max())
        if np.isfinite(scale) and np.isfinite(a).all():  # the common case: all finite
            return bool(np.all(np.abs(a - b) <= tol * np.maximum(np.abs(a) + np.abs(b), max(1e-8, floor * scale))))
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(a[~fa], b[~fb], equal_nan=True):
        return False
    return not fa.any() or float(np.max(leaf_errors(a[fa], b[fb], floor))) <= tol


def constant_ratio(got, expected, floor: float = FLOOR, tol: float = 1e-6) -> float | None:
    """``r`` when ``got == r * expected`` in every entry (``r`` not 1), else ``None``.

    Both are plain arrays. A single entry (or one that dominates its array) is a ratio of
    anything, so it is trusted only when ``r`` is a simple fraction (:func:`simple_fraction`).
    """
    if type(got) is not np.ndarray or type(expected) is not np.ndarray or got.shape != expected.shape:  # noqa: E721
        return None
    if not expected.size or not (np.isfinite(got).all() and np.isfinite(expected).all()):
        return None
    size = np.abs(expected)
    scale = float(size.max())
    if scale == 0.0:
        return None
    big = size > floor * scale
    top = int(np.argmax(size))
    r = float(got.flat[top] / expected.flat[top])
    if abs(r - 1.0) < 1e-3:
        return None
    last = float(expected.flat[-1])  # a cheap look at a second entry before the elementwise test
    if abs(float(got.flat[-1]) - r * last) > 1e-6 * (abs(r) + 1.0) * scale:
        return None
    if float(np.max(leaf_errors(got, r * expected, floor))) > tol:
        return None
    if r != 0.0 and int(big.sum()) < 2 and simple_fraction(r) is None:
        return None
    return 0.0 if abs(r) < tol else r


def _fraction(r: float, limit: int) -> Fraction | None:
    """``r`` as a fraction with denominator at most ``limit`` when it is one (to 1e-9), else ``None``."""
    if not np.isfinite(r) or r == 0.0:
        return None
    f = Fraction(r).limit_denominator(limit)
    return f if abs(float(f) - r) <= 1e-9 * abs(r) else None


def simple_fraction(r: float) -> Fraction | None:
    """``r`` when it is ``±k`` or ``±1/k`` for a whole ``k <= 64`` (to 1e-9), else ``None``."""
    f = _fraction(r, 64)
    if f is None or (abs(f.numerator) != 1 and f.denominator != 1) or abs(f.numerator) > 64:
        return None
    return f


def ratio_text(r: float) -> str:
    """A ratio for feedback: ``2``, ``1/2``, ``−1``, ``3/2``, ``0.37``."""
    f = _fraction(r, 12)
    if f is None or abs(f.numerator) > 64:
        f = simple_fraction(r)
    text = (str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}") if f else f"{r:.4g}"
    return text.replace("-", "−")


def leaves(value, key=()):
    """``[(key, array)]`` for every array inside a plain value."""
    if type(value) is list:  # noqa: E721
        out = []
        for i, v in enumerate(value):
            out.extend(leaves(v, key + (i,)))
        return out
    return [(key, value)]


def at(value, key):
    """The part of a plain value at position ``key`` (``None`` when there is none)."""
    for i in key:
        if type(value) is not list or i >= len(value):  # noqa: E721
            return None
        value = value[i]
    return value


def describe_plain(value, names=None) -> str:
    """Words for the structure of a plain value: ``a tuple of 3 (dX, dW, db)``, ``an array of shape (3, 4)``."""
    if type(value) is list:  # noqa: E721
        inner = f" ({', '.join(names)})" if isinstance(names, (tuple, list)) and len(names) == len(value) else ""
        return f"a tuple of {len(value)}{inner}"
    if type(value) is np.ndarray:  # noqa: E721
        return "a number" if value.ndim == 0 else f"an array of shape {value.shape}"
    return type(value).__name__


def fmt(x) -> str:
    """A number for feedback: 6 significant digits."""
    if x is None:
        return "?"
    return f"{x:.6g}"
