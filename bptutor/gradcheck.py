"""Numerical gradient checking: the tool every lesson, check and test leans on.

* :func:`numerical_gradient` -- central differences, float64, the caller's array
  is restored after every probe (contract function of assignment a1).
* :func:`relative_error` -- ``max |a - b| / max(|a| + |b|, 1e-8)`` as COURSE.md defines it.
* :func:`check_gradient` -- compare an analytic gradient with the numerical one
  entry by entry and report the worst entry in a :class:`GradCheckResult`.
* :func:`check_directional` -- a cheap check for many parameters: compare
  ``v . grad`` with ``(f(x + h v) - f(x - h v)) / 2h`` for random directions ``v``;
  on failure it falls back to the per-entry check to say *where*.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

#: relative-error bands used in feedback and in lesson 01
BANDS = (
    (1e-7, "excellent: the gradient is right"),
    (1e-5, "fine for smooth functions; check kinks (ReLU, max) if you expected better"),
    (1e-3, "suspicious: usually a bug unless the function has kinks"),
    (np.inf, "wrong: the analytic gradient does not match"),
)


def describe_error(err: float) -> str:
    """Name the band a relative error falls in."""
    for limit, text in BANDS:
        if err < limit:
            return text
    return BANDS[-1][1]


def _warn_if_low_precision(name: str, arr: np.ndarray) -> None:
    if arr.dtype in (np.float16, np.float32):
        warnings.warn(
            f"{name} is {arr.dtype}: finite differences need float64 (with float32 the "
            "round-off error of f(x+h) - f(x-h) swamps the derivative); converting to float64",
            RuntimeWarning,
            stacklevel=3,
        )


def numerical_gradient(fun, x, eps=1e-5):
    """Central-difference gradient of a scalar function ``fun`` at array ``x`` (any shape).

    ``grad[i] = (fun(x + eps e_i) - fun(x - eps e_i)) / (2 eps)``. The probe works
    on ``x`` itself (so ``fun`` may close over it, as a network's weights do) but
    restores every entry, so ``x`` holds exactly its old values afterwards.
    Returns a float64 array shaped like ``x``. If ``x`` is not a float64 array, a
    float64 copy is probed instead (with a warning for float32/float16).
    """
    if not callable(fun):
        raise ValueError(f"fun must be a callable returning a scalar; got {type(fun).__name__}")
    eps = float(eps)
    if not eps > 0:
        raise ValueError(f"eps must be a positive step; got {eps}")
    if isinstance(x, np.ndarray):
        _warn_if_low_precision("x", x)
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    flat_x = x.reshape(-1)  # a view when x is contiguous
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be a contiguous array so that it can be probed in place")
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        try:
            flat_x[i] = old + eps
            f_plus = float(fun(x))
            flat_x[i] = old - eps
            f_minus = float(fun(x))
        finally:
            flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b):
    """``max |a - b| / max(|a| + |b|, 1e-8)``, elementwise, as a Python float.

    ``a`` and ``b`` must have the same shape (scalars are fine). Zero when both are zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def agree(label, a, b, tol=1e-8):
    """Print whether ``a`` and ``b`` agree: ``relative_error(a, b) < tol``.

    The lessons use it after every "compute both sides" step. It prints the
    verdict against the tolerance, not the error's last digits, because those
    differ between machines (and the lessons' stored outputs must not).
    """
    err = relative_error(a, b)
    ok = err < tol
    print(f"{label}: {'agree' if ok else 'DIFFER'} (relative error {'<' if ok else '>='} {tol:g})")


@dataclass
class GradCheckResult:
    """Outcome of comparing an analytic gradient with a numerical one.

    ``passed``: relative error below ``tol``. ``worst_index``/``analytic_value``/
    ``numerical_value``: the entry with the largest elementwise relative error
    (``None`` for a directional check that passed).
    """

    name: str
    passed: bool
    error: float
    tol: float
    method: str  # "per-entry" or "directional"
    worst_index: tuple | None = None
    analytic_value: float | None = None
    numerical_value: float | None = None
    n_checked: int = 0
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.passed)

    def __str__(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        text = (f"{verdict} {self.name}: relative error {self.error:.2e} "
                f"(tol {self.tol:.0e}, {self.method}, {self.n_checked} checked) -- "
                f"{describe_error(self.error)}")
        if self.worst_index is not None:
            text += (f"\n  worst entry {self.worst_index}: analytic {self.analytic_value:.6g}, "
                     f"numerical {self.numerical_value:.6g}")
        for note in self.notes:
            text += f"\n  {note}"
        return text

    __repr__ = __str__


def check_gradient(fun, x, analytic, eps=1e-5, tol=1e-6, name="gradient"):
    """Compare ``analytic`` with the central-difference gradient of ``fun`` at ``x``, entry by entry.

    Returns a :class:`GradCheckResult` naming the worst entry. ``x`` is left unchanged.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    if isinstance(x, np.ndarray):
        _warn_if_low_precision("x", x)
    numeric = numerical_gradient(fun, x, eps)
    if analytic.shape != numeric.shape:
        return GradCheckResult(name, False, np.inf, tol, "per-entry", n_checked=0,
                               notes=[f"analytic gradient has shape {analytic.shape}, "
                                      f"expected {numeric.shape} (the shape of x)"])
    err = relative_error(analytic, numeric)
    elementwise = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
    worst = np.unravel_index(int(np.argmax(elementwise)), elementwise.shape) if elementwise.size else ()
    return GradCheckResult(
        name, err < tol, err, tol, "per-entry",
        worst_index=tuple(int(i) for i in worst),
        analytic_value=float(analytic[worst]) if analytic.size else None,
        numerical_value=float(numeric[worst]) if numeric.size else None,
        n_checked=int(numeric.size),
    )


def check_directional(fun, x, analytic, n_directions=3, eps=1e-5, tol=1e-6, seed=0,
                      name="gradient"):
    """Cheap check for large ``x``: compare ``v . analytic`` with a directional central difference.

    ``(fun(x + eps v) - fun(x - eps v)) / (2 eps)`` for ``n_directions`` random unit
    vectors ``v`` costs two evaluations each instead of two per entry. If any
    direction disagrees beyond ``tol``, falls back to :func:`check_gradient` so
    the result names the worst entry. ``x`` is left unchanged.
    """
    if isinstance(x, np.ndarray):
        _warn_if_low_precision("x", x)
    analytic = np.asarray(analytic, dtype=np.float64)
    x_arr = x if (isinstance(x, np.ndarray) and x.dtype == np.float64) else np.array(x, dtype=np.float64)
    if analytic.shape != x_arr.shape:
        return check_gradient(fun, x, analytic, eps, tol, name)
    rng = np.random.default_rng(seed)
    original = x_arr.copy()
    worst = 0.0
    try:
        for _ in range(n_directions):
            v = rng.standard_normal(x_arr.shape)
            v /= np.linalg.norm(v) or 1.0
            x_arr[...] = original + eps * v
            f_plus = float(fun(x_arr))
            x_arr[...] = original - eps * v
            f_minus = float(fun(x_arr))
            x_arr[...] = original
            worst = max(worst, relative_error(np.sum(v * analytic), (f_plus - f_minus) / (2 * eps)))
    finally:
        x_arr[...] = original
    if worst < tol:
        return GradCheckResult(name, True, worst, tol, "directional", n_checked=n_directions)
    result = check_gradient(fun, x_arr, analytic, eps, tol, name)
    result.notes.append(f"directional check failed (relative error {worst:.2e}); "
                        "fell back to checking every entry")
    return result
