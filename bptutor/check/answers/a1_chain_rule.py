"""Assignment a1's answers (parent only): expected values, probes and mistake models."""
from __future__ import annotations

import numpy as np

from ... import reference
from ..mistake_models import Case, computed, rearranged
from . import Answer, from_reference


def _probe_grad_f(args, kwargs, key):
    x, y = float(args[0]), float(args[1])
    if key == (0,):
        return "f(x, y)", lambda v: float(reference.f(v[()], y)), np.array(x)
    return "f(x, y)", lambda v: float(reference.f(x, v[()])), np.array(y)


GRAD_F_MODELS = (  # a flipped sign or a plain factor 2 is found by its ratio (diagnose.common_ratio)
    ("missing-path", computed(lambda x, y: (2 * x + 2 * (x + y), 2 * (x + y)))),  # no xy path
    ("missing-path", computed(lambda x, y: (2 * x + y, x))),  # no (x+y)^2 path
    ("missing-path", computed(lambda x, y: (y + 2 * (x + y), x + 2 * (x + y)))),  # no x^2 path
    ("factor-2", computed(lambda x, y: (2 * x + y + (x + y), x + (x + y)))),  # d(s^2)/ds = s
    ("factor-2", computed(lambda x, y: (x + y + 2 * (x + y), x + 2 * (x + y)))),  # d(x^2)/dx = x
    ("swapped-outputs", rearranged(lambda e: [e[1], e[0]])),
)


def _sin_quartic(case: Case):
    """``(x, C, D)`` of a ``sin_quartic`` trial whose answer has x's shape, else ``None``."""
    spec, x = case.trial.args[0], np.asarray(case.trial.args[1], dtype=np.float64)
    if getattr(spec, "kind", None) != "sin_quartic" or type(case.got) is not np.ndarray or case.got.shape != x.shape:
        return None
    return x, np.asarray(spec.params["C"], dtype=np.float64), np.asarray(spec.params["D"], dtype=np.float64)


def forward_difference_fitted(case: Case):
    """Forward (or backward) differences with whatever step the student used.

    Their error is ``(h/2) f''(x)`` entry by entry; fit ``h/2`` and return the
    prediction, so the model matches for any ``h``.
    """
    found = _sin_quartic(case)
    if found is None:
        return None
    x, C, D = found
    second = -C * C * np.sin(C * x) + 12.0 * D * x * x
    c = float(np.sum((case.got - case.expected) * second) / max(float(np.sum(second * second)), 1e-300))
    if not 1e-9 < abs(c) < 0.05:  # steps from 2e-9 to 0.1
        return None
    return case.expected + c * second


def central_difference_fitted(case: Case):
    """Central differences with a large step: their error is ``(h^2/6) f3(x)`` (f3 the third derivative)."""
    found = _sin_quartic(case)
    if found is None:
        return None
    x, C, D = found
    third = -C ** 3 * np.cos(C * x) + 24.0 * D * x
    c = float(np.sum((case.got - case.expected) * third) / max(float(np.sum(third * third)), 1e-300))
    if not 1e-10 < c < 0.01:  # h from 2.5e-5 to 0.25
        return None
    return case.expected + c * third


def central_difference_times(factor: float):
    """A central difference with ``h = 1e-5``, times ``factor`` (2: divided by h instead of 2h)."""
    def model(case: Case):
        fun, x = case.args[0], np.array(case.args[1], dtype=np.float64)
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + 1e-5
            up = fun(x)
            x[i] = old - 1e-5
            down = fun(x)
            x[i] = old
            grad[i] = (up - down) / (2e-5) * factor
        return grad
    return model


NUMERICAL_GRADIENT_MODELS = (
    ("forward-difference", forward_difference_fitted),
    ("step-too-large", central_difference_fitted),
    ("factor-2", central_difference_times(2.0)),  # divided by h instead of 2h
    ("factor-2", central_difference_times(0.5)),
)


def _ratios(a, b, floor=1e-8):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def no_floor(a, b):
    with np.errstate(all="ignore"):
        return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))


RELATIVE_ERROR_MODELS = (
    ("relerr-no-floor", computed(no_floor)),
    ("relerr-no-max", computed(lambda a, b: np.mean(_ratios(a, b)))),
    ("relerr-no-max", computed(lambda a, b: np.sum(_ratios(a, b)))),
    ("relerr-no-max", computed(lambda a, b: np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-8))),
    ("relerr-no-max", computed(lambda a, b: np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b),
                                                                        1e-8))),
    ("relerr-no-max", computed(_ratios)),  # the whole array, not its maximum
    ("relerr-denominator", computed(lambda a, b: np.max(
        np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)))),
    ("relerr-denominator", computed(lambda a, b: np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-8)))),
)


GRAD_F_HINTS = {
    "sign": "f = x² + xy + (x + y)² has only plus signs, and so have ∂f/∂x and ∂f/∂y: look for a minus "
            "sign you wrote.",
    "missing-path": "x reaches f along three paths (through x², through xy and through (x + y)²) and y along "
                    "two: ∂f/∂x needs one term per path, and so does ∂f/∂y.",
    "factor-2": "Differentiating a square brings a 2: d(x²)/dx = 2x, and by the chain rule d(x + y)²/dx = "
                "2(x + y) · 1, the outer derivative times the inner one.",
    "swapped-outputs": "Return (df/dx, df/dy): the derivative with respect to x first.",
    "wrong-count": "Return both partial derivatives, `return dfdx, dfdy`.",
}

NUMERICAL_GRADIENT_HINTS = {
    "factor-2": "The central difference is (fun(x + h) − fun(x − h)) / (2h): its two points are 2h apart, so "
                "divide by 2h, not by h.",
    "sign": "Subtract in the order fun(x + h) − fun(x − h), then divide by 2h; the other order flips the sign.",
    "mutated-input": ("Your function changed `x`, the array it was given, so the caller's point moved. Even "
                      "`x[i] += h` followed by `x[i] -= h` can leave a different last digit.",
                      "Save the entry and put it back after both evaluations (`old = x[i]`; `x[i] = old + h`; "
                      "...; `x[i] = old`), or work on `x = x.copy()`."),
    "wrong-shape": "Return an array shaped like `x` (start from `np.zeros_like(x)`), one partial derivative per "
                   "entry, for every shape of `x`: `np.ndindex(x.shape)` visits every entry.",
}


def _exact_gradient(trial, args, kwargs):
    spec, x = trial.args[0], trial.args[1]
    return spec.gradient(x)  # the exact gradient: an oracle independent of finite differences


ANSWERS = {
    "grad_f": Answer(from_reference("grad_f"), probe=_probe_grad_f, models=GRAD_F_MODELS, hints=GRAD_F_HINTS),
    "numerical_gradient": Answer(_exact_gradient, models=NUMERICAL_GRADIENT_MODELS, hints=NUMERICAL_GRADIENT_HINTS),
    "relative_error": Answer(from_reference("relative_error"), models=RELATIVE_ERROR_MODELS),
}
