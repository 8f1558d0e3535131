"""The diagnosis of common mistakes: a vocabulary, and models of what each mistake returns.

:data:`MISTAKES` maps a mistake id to ``(title, explanation, what to try)``.

:data:`MODELS` maps a contract function to its *mistake models*: for each, an
alternative computation of what a specific wrong implementation returns for the
same inputs (the sign flipped, a transpose missing, the activation derivative
left out...). When a student's outputs agree with a model on every trial, and
the model differs from the right answer on at least one, the feedback names
that mistake. A model is ``(mistake_id, fn)`` with ``fn(trial, args, kwargs,
expected, got) -> value``; ``expected`` and ``got`` are plain values for that
trial (models that only transform the right answer use ``expected``).

Other mistakes are read from the outcome itself: :func:`from_error` (the
message of an exception), warnings and non-finite values (``overflow``), a
changed input (``mutated-input``), the shape, type and count of what came back.
"""
from __future__ import annotations

import re

import numpy as np

from .. import reference
from ..reference.backprop import forward
from ..reference.matrix import mlp_forward
from ..trials import to_plain
from .compare import at, close, leaves

MISTAKES = {
    "sign": (
        "sign flipped",
        "Your values have the right size but the opposite sign. The classic cause: seed 000 defines "
        "its local gradient as δ = −∂E/∂s (eq. 19) and writes the error as e = t − o, while this "
        "course uses δ = ∂E/∂z. Mixing the two conventions flips the sign.",
        "Write δ = ∂E/∂z and dE/do = o − t (not t − o); check each minus sign against the course "
        "notation table."),
    "transpose": (
        "transposed result or missing transpose",
        "A matrix product has its factors the wrong way round or is missing a transpose, so the "
        "result is transposed or the shapes do not line up.",
        "Write the shape of every factor next to the product: with rows as examples, "
        "dX = dZ @ W.T and dW = X.T @ dZ; a gradient always has the shape of what it is the "
        "gradient of."),
    "missing-derivative": (
        "missing activation derivative",
        "The result lacks the factor f'(z) = a (1 − a) of the sigmoid: the gradient was passed "
        "through the activation as if it were the identity.",
        "Multiply elementwise by a * (1 - a) where the gradient crosses a sigmoid (seed 000, "
        "eqs. 15 and 34)."),
    "derivative-of-preactivation": (
        "derivative formula applied to the output as if it were the pre-activation",
        "You computed σ(a)(1 − σ(a)) (or 1 − tanh(a)²), i.e. applied the activation once more to a "
        "value that already is the activation's output. Written through the output the derivative "
        "is a (1 − a) for the sigmoid (seed 000, eq. 15) and 1 − a² for tanh (eq. 14).",
        "Use the stored output directly: a * (1 - a), not sigmoid(a) * (1 - sigmoid(a))."),
    "derivative-twice": (
        "activation derivative applied twice (or where it does not belong)",
        "The factor a (1 − a) appears once too often: for example it was applied when computing δ "
        "and again when using it.",
        "Apply f'(z) exactly once per layer, at the moment the gradient crosses that layer's "
        "activation."),
    "wrong-activation": (
        "the derivative (or function) of the other activation",
        "The values match the formula of a different activation: the sigmoid's a (1 − a) where "
        "tanh's 1 − a² belongs, or the reverse.",
        "Sigmoid: σ' = a (1 − a) (seed 000, eq. 15); tanh: 1 − a² (eq. 14)."),
    "factor-2": (
        "factor of 2 or ½",
        "Your values are exactly twice (or half) the expected ones in some output.",
        "Check the ½ in E = ½ Σ (t − o)² (its derivative is o − t, no 2), the 2h in a central "
        "difference, and the 2 from differentiating a square."),
    "missing-1/N": (
        "missing 1/N",
        "Your values are N times too large: the batch mean was written as a sum.",
        "The loss is a mean over the N examples (seed 000, eq. 6), so every gradient carries the "
        "same 1/N."),
    "extra-1/N": (
        "extra 1/N",
        "Your values are N (or K) times too small: something was averaged that should be summed.",
        "Divide by N once, where the loss is averaged; a per-example δ or a sum over rows "
        "(db) gets no extra division."),
    "wrong-axis": (
        "wrong axis",
        "A sum, maximum or normalisation runs over the wrong axis (columns instead of rows, or the "
        "whole array).",
        "Rows are examples: softmax normalises along axis=1 (each row sums to 1); db sums over "
        "axis=0; use keepdims=True so the result broadcasts back row by row."),
    "broadcast": (
        "shapes that do not broadcast",
        "An elementwise operation combined arrays whose shapes do not fit, typically a row sum "
        "without keepdims=True, or a matrix product with a missing transpose that happened to "
        "run but gave the wrong shape.",
        "Print the shapes of both operands; use keepdims=True on sums you subtract back."),
    "regularised-biases": (
        "biases regularised",
        "The λ term was applied to the biases too; only the weights are regularised (seed 002: "
        "the bias column gets no λ).",
        "Add λ/N · W to grads_W only, and λ/(2N) Σ ‖W‖² to the loss; leave grads_b alone."),
    "missing-regularisation": (
        "regularisation missing from the loss or from the gradients",
        "The λ term appears in only one of the two: the loss has λ/(2N) Σ ‖W‖², so every "
        "weight gradient has (λ/N) W, and the reverse.",
        "Add 0.5 * lam / N * sum of squared weights to the loss and lam / N * W to each grads_W[l]."),
    "lambda-not-divided-by-N": (
        "λ not divided by N",
        "The regularisation term lacks its 1/N: E has λ/(2N) Σ ‖W‖², so its gradient is (λ/N) W.",
        "Use lam / N, both in the loss and in the gradient."),
    "forward-difference": (
        "forward instead of central differences",
        "Your gradient is (f(x + h) − f(x)) / h: its error is proportional to h (about 1e-5 here), "
        "while the central difference (f(x + h) − f(x − h)) / 2h is accurate to about h².",
        "Evaluate f at x + h and at x − h and divide by 2h (lesson 01)."),
    "step-too-large": (
        "central difference with too large a step",
        "Your gradient is a central difference, but its step h is so large that the h² error "
        "term shows (about h² f‴(x) / 6).",
        "Use the contract's default eps=1e-5: small enough for the h² error, large enough for "
        "round-off (lesson 01's error-vs-h curve)."),
    "relerr-no-floor": (
        "relative error without the floor",
        "Without the floor max(|a| + |b|, 1e-8) the ratio is 0/0 = nan when both are zero, and "
        "tiny values give huge relative errors.",
        "Divide by np.maximum(np.abs(a) + np.abs(b), 1e-8)."),
    "relerr-no-max": (
        "relative error not the maximum of the elementwise ratios",
        "The contract is max over entries of |a − b| / max(|a| + |b|, 1e-8): the ratio is taken "
        "entry by entry, then the largest one is returned as a float. A mean, a sum, a ratio of "
        "maxima or the whole array hide the one entry that is wrong.",
        "Compute the elementwise ratio first, then return float(np.max(ratio))."),
    "relerr-denominator": (
        "relative error with the wrong denominator",
        "The denominator must be |a| + |b| (with the floor); max(|a|, |b|) or |b| alone gives "
        "different numbers.",
        "Use np.maximum(np.abs(a) + np.abs(b), 1e-8)."),
    "missing-path": (
        "a path of the chain rule left out",
        "f depends on x along several paths of the graph (x², xy, (x + y)²); the chain rule sums "
        "over all of them (seed 003).",
        "List every node that x (and y) feeds into and add one term per path."),
    "swapped-outputs": (
        "outputs swapped",
        "The values are right but in the wrong places (e.g. ∂f/∂y returned where ∂f/∂x belongs).",
        "Return the items in the order the contract gives."),
    "wrong-order": (
        "returned items in the wrong order",
        "The returned items are right but in the wrong order.",
        "Return (dX, dW, db) in exactly this order."),
    "layer-order": (
        "gradients listed in backward order",
        "The backward pass visits layers from the last to the first; the lists must still be "
        "ordered like weights and biases (layer 0 first).",
        "Fill grads_W[l] by index (e.g. start from [None] * L) or reverse the lists at the end."),
    "missing-bias": (
        "bias left out",
        "The result lacks the bias b: z = x W + b (seed 000, eq. 1 with the bias input fixed at 1).",
        "Add b; it broadcasts over the rows."),
    "missing-upstream": (
        "upstream gradient ignored",
        "The result does not depend on the upstream gradient dA: the chain rule multiplies the "
        "local derivative by it (seed 004, Example 1).",
        "Return dA * A * (1 - A)."),
    "diagonal-jacobian": (
        "only the diagonal of the softmax Jacobian",
        "S ⊙ (1 − S) ⊙ dS uses only the diagonal of the softmax Jacobian diag(s) − s sᵀ; every "
        "output of a softmax depends on every logit of its row.",
        "Use S * (dS - np.sum(S * dS, axis=1, keepdims=True)) (seed 004, Example 4)."),
    "mean-over-all-entries": (
        "averaged over all entries instead of over the examples",
        "np.mean over the whole N × C array divides by N·C; the loss is a mean over the N examples "
        "only (each row sums over its C classes).",
        "Use -np.sum(Y * np.log(S)) / N."),
    "swapped-arguments": (
        "arguments swapped",
        "The function uses its inputs the other way round (e.g. log of the labels instead of log "
        "of the probabilities).",
        "Check which argument is which in the signature."),
    "overflow": (
        "overflow or NaN for large inputs",
        "exp of a large number overflows to inf, and inf/inf or inf − inf gives NaN; NumPy warns "
        "even when the final value happens to be right.",
        "Never let exp see a large positive number: for the sigmoid use exp(-|z|) on each branch "
        "separately (np.where evaluates both branches!), for the softmax subtract each row's "
        "maximum first."),
    "mutated-input": (
        "an input array changed in place",
        "The function changed an array it was given (e.g. x[i] += h without restoring it, or "
        "dA *= ... ). The caller's data is then silently wrong. Even x[i] += h followed by "
        "x[i] -= h can leave a different last digit.",
        "Work on a copy (x = x.copy()), or save the old value and put it back (old = x[i]; ...; "
        "x[i] = old); avoid in-place operators (+=, *=) on inputs."),
    "wrong-shape": (
        "wrong shape",
        "The returned array has a different shape from the one the contract gives.",
        "Compare with the docstring: a gradient has the shape of what it is the gradient of."),
    "wrong-type": (
        "wrong type",
        "The function returned something other than what the contract asks (e.g. a string, a "
        "dict, a matrix subclass, a generator, or weights instead of a predict function).",
        "Return NumPy arrays (np.ndarray) or numbers, in a tuple when several are asked for."),
    "wrong-count": (
        "wrong number of returned items",
        "The function returned a different number of items than the contract asks.",
        "Return a tuple with exactly the items listed in the contract, in that order."),
    "low-precision": (
        "float32 precision",
        "Your numbers are right to about 7 digits only: somewhere the computation runs in float32 "
        "(or float16), which keeps about 7 significant digits where float64 keeps 16.",
        "Keep arrays float64 (the default of np.zeros, np.array of Python floats); avoid "
        "dtype=np.float32 and .astype(np.float32)."),
    "scalar-math": (
        "scalar-only math on arrays",
        "math.exp and friends accept one number; the function must work on whole arrays.",
        "Use numpy's np.exp, np.log, ... which work elementwise."),
    "constant-predictions": (
        "predict returns the same label for every example",
        "All predictions are one class: the network did not learn (zero or saturated "
        "initialisation, learning rate too small or too large) or predict ignores its input.",
        "Initialise weights with small random numbers (never all zeros), check the loss goes "
        "down during training, and make predict use its argument."),
    "low-accuracy": (
        "held-out accuracy too low",
        "The network does not classify the held-out digits well enough.",
        "Train longer or with a better learning rate, check your gradients numerically, and make "
        "sure predict returns class labels (argmax over the outputs)."),
}


# --------------------------------------------------------------------------- trusted helpers
def _sig(z):
    return reference.sigmoid(z)


def _softmax_rows(Z):
    return reference.softmax(Z)


def _plain(value):
    return to_plain(value)


# --------------------------------------------------------------------------- models, one group per function
def _flip(trial, args, kwargs, expected, got):
    return _negate(expected)


def _negate(value):
    if isinstance(value, list):
        return [_negate(v) for v in value]
    return -value


def _scale(factor):
    def model(trial, args, kwargs, expected, got):
        def go(v):
            return [go(x) for x in v] if isinstance(v, list) else v * factor
        return go(expected)
    return model


def _fn(compute):
    """A model that ignores ``expected``/``got``: ``compute(*args, **kwargs)``."""
    return lambda trial, args, kwargs, expected, got: compute(*args, **kwargs)


# a1 ------------------------------------------------------------------------
def _grad_f_models():
    return [
        ("sign", _flip),
        ("missing-path", _fn(lambda x, y: (2 * x + 2 * (x + y), 2 * (x + y)))),  # no xy path
        ("missing-path", _fn(lambda x, y: (2 * x + y, x))),  # no (x+y)^2 path
        ("missing-path", _fn(lambda x, y: (y + 2 * (x + y), x + 2 * (x + y)))),  # no x^2 path
        ("factor-2", _fn(lambda x, y: (2 * x + y + (x + y), x + (x + y)))),  # d(s^2)/ds = s
        ("factor-2", _fn(lambda x, y: (x + y + 2 * (x + y), x + 2 * (x + y)))),  # d(x^2)/dx = x
        ("swapped-outputs", lambda trial, args, kwargs, e, g: [e[1], e[0]]),
    ]


def _forward_difference_fitted(trial, args, kwargs, expected, got):
    """Forward (or backward) differences with whatever step the student used.

    Their error is ``(h/2) f''(x)`` entry by entry; fit ``h/2`` and return the
    prediction, so the model matches for any ``h``.
    """
    spec, x = trial.args[0], np.asarray(trial.args[1], dtype=np.float64)
    if getattr(spec, "kind", None) != "sin_quartic" or type(got) is not np.ndarray or got.shape != x.shape:  # noqa: E721
        return None
    C = np.asarray(spec.params["C"], dtype=np.float64)
    D = np.asarray(spec.params["D"], dtype=np.float64)
    second = -C * C * np.sin(C * x) + 12.0 * D * x * x
    c = float(np.sum((got - expected) * second) / max(float(np.sum(second * second)), 1e-300))
    if not 1e-9 < abs(c) < 0.05:  # steps from 2e-9 to 0.1
        return None
    return expected + c * second


def _central_difference_fitted(trial, args, kwargs, expected, got):
    """Central differences with a large step: their error is ``(h^2/6) f3(x)`` (f3 the third derivative) entry by entry."""
    spec, x = trial.args[0], np.asarray(trial.args[1], dtype=np.float64)
    if getattr(spec, "kind", None) != "sin_quartic" or type(got) is not np.ndarray or got.shape != x.shape:  # noqa: E721
        return None
    C = np.asarray(spec.params["C"], dtype=np.float64)
    D = np.asarray(spec.params["D"], dtype=np.float64)
    third = -C ** 3 * np.cos(C * x) + 24.0 * D * x
    c = float(np.sum((got - expected) * third) / max(float(np.sum(third * third)), 1e-300))
    if not 1e-10 < c < 0.01:  # h from 2.5e-5 to 0.25
        return None
    return expected + c * third


def _numerical_gradient_models():
    def scaled_difference(factor):
        def model(trial, args, kwargs, expected, got):
            fun, x = args[0], np.array(args[1], dtype=np.float64)
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
    return [
        ("forward-difference", _forward_difference_fitted),
        ("step-too-large", _central_difference_fitted),
        ("factor-2", scaled_difference(2.0)),  # divided by h instead of 2h
        ("factor-2", scaled_difference(0.5)),
        ("sign", _flip),
    ]


def _relative_error_models():
    def no_floor(a, b):
        with np.errstate(all="ignore"):
            return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))

    def floor_after(a, b):  # max(|a|+|b|) floored, but no elementwise floor
        with np.errstate(all="ignore"):
            return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 0.0))

    def mean(a, b):
        return np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))

    def total(a, b):
        return np.sum(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))

    def ratio_of_max(a, b):
        return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-8)

    def ratio_of_norms(a, b):
        return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-8)

    def elementwise(a, b):
        return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)

    def by_max(a, b):
        return np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8))

    def by_b(a, b):
        return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-8))

    return [("relerr-no-floor", _fn(no_floor)), ("relerr-no-floor", _fn(floor_after)),
            ("relerr-no-max", _fn(mean)), ("relerr-no-max", _fn(total)),
            ("relerr-no-max", _fn(ratio_of_max)), ("relerr-no-max", _fn(ratio_of_norms)),
            ("relerr-no-max", _fn(elementwise)),
            ("relerr-denominator", _fn(by_max)), ("relerr-denominator", _fn(by_b))]


# a2 ------------------------------------------------------------------------
def _sigmoid_models():
    return [("sign", _fn(lambda z: _sig(-np.asarray(z, dtype=np.float64)))),
            ("wrong-activation", _fn(lambda z: np.tanh(z)))]


def _sigmoid_prime_models():
    return [("derivative-of-preactivation", _fn(lambda a: _sig(a) * (1 - _sig(a)))),
            ("wrong-activation", _fn(lambda a: 1 - a * a)),
            ("sign", _flip),
            ("derivative-twice", _fn(lambda a: (a * (1 - a)) ** 2)),
            ("missing-derivative", _fn(lambda a: a))]


def _tanh_prime_models():
    return [("derivative-of-preactivation", _fn(lambda a: 1 - np.tanh(a) ** 2)),
            ("wrong-activation", _fn(lambda a: a * (1 - a))),
            ("sign", _flip),
            ("derivative-twice", _fn(lambda a: (1 - a * a) ** 2))]


def _output_delta_models():
    def extra_mean(o, t):
        return (o - t) * o * (1 - o) / o.shape[0]
    return [("sign", _flip),
            ("missing-derivative", _fn(lambda o, t: o - t)),
            ("missing-derivative", _fn(lambda o, t: t - o)),
            ("derivative-of-preactivation", _fn(lambda o, t: (o - t) * _sig(o) * (1 - _sig(o)))),
            ("derivative-twice", _fn(lambda o, t: (o - t) * (o * (1 - o)) ** 2)),
            ("wrong-activation", _fn(lambda o, t: (o - t) * (1 - o * o))),
            ("factor-2", _scale(2.0)), ("factor-2", _scale(0.5)),
            ("extra-1/N", _fn(extra_mean))]


def _weight_gradient_models():
    return [("transpose", _fn(lambda a, d: np.outer(d, a))),
            ("sign", _flip),
            ("derivative-twice", _fn(lambda a, d: np.outer(a * (1 - a), d))),
            ("factor-2", _scale(2.0))]


# a3 ------------------------------------------------------------------------
def _hidden_delta_models():
    return [("sign", _flip),
            ("missing-derivative", _fn(lambda d, W, a: d @ W.T)),
            ("derivative-of-preactivation", _fn(lambda d, W, a: (d @ W.T) * _sig(a) * (1 - _sig(a)))),
            ("derivative-twice", _fn(lambda d, W, a: (d @ W.T) * (a * (1 - a)) ** 2)),
            ("wrong-activation", _fn(lambda d, W, a: (d @ W.T) * (1 - a * a)))]


def _backprop_variant(out_deriv="a", hid_deriv="a", transpose=False, reverse=False, sign=1.0,
                      bias_zero=False):
    """Backprop for one example with one mistake switched on."""
    def deriv(a, how):
        return {"a": a * (1 - a), "none": np.ones_like(a), "sig": _sig(a) * (1 - _sig(a)),
                "twice": (a * (1 - a)) ** 2}[how]

    def model(trial, args, kwargs, expected, got):
        x, t, weights, biases = args
        acts = forward(x, weights, biases)
        L = len(weights)
        gW, gb = [None] * L, [None] * L
        delta = (acts[-1] - t) * deriv(acts[-1], out_deriv)
        for l in range(L - 1, -1, -1):
            gW[l] = np.outer(delta, acts[l]) if transpose else np.outer(acts[l], delta)
            gb[l] = np.zeros_like(delta) if bias_zero else delta
            if l > 0:
                delta = (delta @ weights[l].T) * deriv(acts[l], hid_deriv)
        gW = [sign * g for g in gW]
        gb = [sign * g for g in gb]
        if reverse:
            gW, gb = gW[::-1], gb[::-1]
        return gW, gb
    return model


def _backprop_models():
    return [("sign", _flip),
            ("missing-derivative", _backprop_variant(out_deriv="none")),
            ("missing-derivative", _backprop_variant(hid_deriv="none")),
            ("missing-derivative", _backprop_variant(out_deriv="none", hid_deriv="none")),
            ("derivative-of-preactivation", _backprop_variant(out_deriv="sig", hid_deriv="sig")),
            ("derivative-of-preactivation", _backprop_variant(hid_deriv="sig")),
            ("derivative-twice", _backprop_variant(hid_deriv="twice")),
            ("transpose", _backprop_variant(transpose=True)),
            ("layer-order", _backprop_variant(reverse=True)),
            ("layer-order", _backprop_variant(reverse=True, transpose=True)),
            ("sign", _backprop_variant(sign=-1.0, out_deriv="a")),
            ("wrong-count", lambda trial, args, kwargs, e, g: e[0]),
            ("factor-2", _scale(2.0))]


# a4 ------------------------------------------------------------------------
def _dense_forward_models():
    return [("missing-bias", _fn(lambda X, W, b: X @ W)),
            ("transpose", _fn(lambda X, W, b: (X @ W + b).T)),
            ("sign", _fn(lambda X, W, b: X @ W - b))]


def _dense_backward_models():
    return [("transpose", _fn(lambda dZ, X, W: (dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)))),
            ("wrong-axis", _fn(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)))),
            ("wrong-axis", _fn(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum()))),
            ("extra-1/N", _fn(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ / len(X), dZ.mean(axis=0)))),
            ("extra-1/N", _fn(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)))),
            ("extra-1/N", _fn(lambda dZ, X, W: (dZ @ W.T / len(X), X.T @ dZ / len(X), dZ.mean(axis=0)))),
            ("wrong-order", lambda trial, args, kwargs, e, g: [e[1], e[0], e[2]]),
            ("wrong-count", lambda trial, args, kwargs, e, g: [e[0], e[1]]),
            ("sign", _flip)]


def _sigmoid_backward_models():
    return [("missing-upstream", _fn(lambda dA, A: A * (1 - A))),
            ("derivative-of-preactivation", _fn(lambda dA, A: dA * _sig(A) * (1 - _sig(A)))),
            ("derivative-twice", _fn(lambda dA, A: dA * (A * (1 - A)) ** 2)),
            ("missing-derivative", _fn(lambda dA, A: dA)),
            ("sign", _flip)]


def _mlp_variant(half=True, grad_mean=True, reg_bias=False, lam_over_n=True, reg_half_grad=False,
                 out_deriv=True, sign=1.0, loss_mean=True, reg_loss=True, reg_grad=True):
    """The loss and gradients of a sigmoid MLP with one mistake switched on."""
    def model(trial, args, kwargs, expected, got):
        X, T, weights, biases = args
        lam = float(kwargs.get("lam", 0.0))
        N = X.shape[0]
        A = mlp_forward(X, weights, biases)
        O = A[-1]
        lam_n = lam / N if lam_over_n else lam
        data = np.sum((T - O) ** 2) * (0.5 if half else 1.0) / (N if loss_mean else 1.0)
        reg = 0.5 * lam_n * sum(np.sum(W * W) for W in weights) if reg_loss else 0.0
        if reg_bias:
            reg += 0.5 * lam_n * sum(np.sum(b * b) for b in biases)
        dA = (O - T) * (1.0 if half else 2.0) / (N if grad_mean else 1.0)
        gW, gb = [None] * len(weights), [None] * len(weights)
        for l in range(len(weights) - 1, -1, -1):
            last = l == len(weights) - 1
            dZ = dA * A[l + 1] * (1 - A[l + 1]) if (out_deriv or not last) else dA
            reg_w = (0.5 if reg_half_grad else 1.0) * lam_n * weights[l] if reg_grad else 0.0
            gW[l] = sign * (A[l].T @ dZ + reg_w)
            gb[l] = sign * (dZ.sum(axis=0) + (lam_n * biases[l] if reg_bias else 0.0))
            if l > 0:
                dA = dZ @ weights[l].T
        return data + reg, gW, gb
    return model


def _mlp_models():
    return [("missing-1/N", _mlp_variant(grad_mean=False)),
            ("missing-1/N", _mlp_variant(grad_mean=False, loss_mean=False)),
            ("regularised-biases", _mlp_variant(reg_bias=True)),
            ("lambda-not-divided-by-N", _mlp_variant(lam_over_n=False)),
            ("missing-regularisation", _mlp_variant(reg_grad=False)),
            ("missing-regularisation", _mlp_variant(reg_loss=False)),
            ("factor-2", _mlp_variant(half=False)),
            ("factor-2", _mlp_variant(reg_half_grad=True)),
            ("sign", _mlp_variant(sign=-1.0)),
            ("missing-derivative", _mlp_variant(out_deriv=False)),
            ("wrong-count", lambda trial, args, kwargs, e, g: [e[1], e[2]])]


# a5 ------------------------------------------------------------------------
def _softmax_models():
    def cols(Z):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)

    def whole(Z):
        E = np.exp(Z - Z.max())
        return E / E.sum()

    def max_over_columns(Z):
        with np.errstate(all="ignore"):
            E = np.exp(Z - Z.max(axis=0, keepdims=True))
            return E / E.sum(axis=1, keepdims=True)
    return [("wrong-axis", _fn(cols)), ("wrong-axis", _fn(whole)), ("wrong-axis", _fn(max_over_columns))]


def _softmax_backward_models():
    return [("wrong-axis", _fn(lambda S, dS: S * (dS - np.sum(S * dS, axis=0, keepdims=True)))),
            ("wrong-axis", _fn(lambda S, dS: S * (dS - np.sum(S * dS)))),
            ("diagonal-jacobian", _fn(lambda S, dS: S * (1 - S) * dS)),
            ("sign", _flip),
            ("missing-upstream", _fn(lambda S, dS: S * (1 - np.sum(S, axis=1, keepdims=True))))]


def _cross_entropy_models():
    def swapped(S, Y):
        with np.errstate(all="ignore"):
            return -np.sum(S * np.log(Y)) / S.shape[0]
    return [("missing-1/N", _fn(lambda S, Y: -np.sum(Y * np.log(S)))),
            ("sign", _flip),
            ("mean-over-all-entries", _fn(lambda S, Y: -np.mean(Y * np.log(S)))),
            ("swapped-arguments", _fn(swapped))]


def _softmax_ce_backward_models():
    def cols(Z, Y):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return (E / E.sum(axis=0, keepdims=True) - Y) / Z.shape[0]
    return [("missing-1/N", _fn(lambda Z, Y: _softmax_rows(Z) - Y)),
            ("sign", _flip),
            ("wrong-axis", _fn(cols)),
            ("extra-1/N", _fn(lambda Z, Y: (_softmax_rows(Z) - Y) / Z.size))]


MODELS = {
    "grad_f": _grad_f_models(),
    "numerical_gradient": _numerical_gradient_models(),
    "relative_error": _relative_error_models(),
    "sigmoid": _sigmoid_models(),
    "sigmoid_prime_from_output": _sigmoid_prime_models(),
    "tanh_prime_from_output": _tanh_prime_models(),
    "output_delta": _output_delta_models(),
    "weight_gradient": _weight_gradient_models(),
    "hidden_delta": _hidden_delta_models(),
    "backprop": _backprop_models(),
    "dense_forward": _dense_forward_models(),
    "dense_backward": _dense_backward_models(),
    "sigmoid_backward": _sigmoid_backward_models(),
    "mlp_loss_and_grads": _mlp_models(),
    "softmax": _softmax_models(),
    "softmax_backward": _softmax_backward_models(),
    "cross_entropy": _cross_entropy_models(),
    "softmax_cross_entropy_backward": _softmax_ce_backward_models(),
    "train_mlp": [],
}


# --------------------------------------------------------------------------- matching
def _wrong_leaves(got, expected, tol, floor):
    """``[(key, leaf)]`` of ``got`` that differ from the expected value at the same place."""
    return [(key, leaf) for key, leaf in leaves(got)
            if not close(leaf, at(expected, key), tol, floor)]


def _model_explains(model, wrong, n_leaves, tol, floor) -> bool:
    """The model has the student's structure and agrees with every leaf the student got wrong."""
    if len(leaves(model)) != n_leaves:
        return False
    return all(close(leaf, at(model, key), tol, floor) for key, leaf in wrong)


def match_model(name, cases, floor=1e-6, tol=1e-6) -> str | None:
    """The first mistake whose model explains the student's values on every case.

    ``cases``: ``[(trial, args, kwargs, expected, got)]`` for the trials that
    returned numbers (plain values, ``got`` already conformed). On each case the
    model must agree with every output the student got wrong (outputs the student
    got right may differ: a mistake made in one output only still matches), and
    on at least one case the student must have got something wrong.
    """
    prepared = []
    for trial, args, kwargs, expected, got in cases:
        wrong = _wrong_leaves(got, expected, tol, floor)
        prepared.append((trial, args, kwargs, expected, got, wrong, len(leaves(got))))
    if not any(p[5] for p in prepared):
        return None
    for mistake, model in MODELS.get(name, ()):
        for trial, args, kwargs, expected, got, wrong, n_leaves in prepared:
            if not wrong:
                continue
            try:
                with np.errstate(all="ignore"):
                    predicted = model(trial, args, kwargs, expected, got)
                if predicted is None:
                    break
                predicted = _plain(predicted)
            except Exception:  # noqa: BLE001 -- a model that does not apply to these inputs
                break
            if not _model_explains(predicted, wrong, n_leaves, tol, floor):
                break
        else:
            return mistake
    return None


def from_error(message: str) -> str | None:
    """A mistake suggested by an exception's message (``None`` when it suggests none)."""
    text = message.lower()
    if "matmul" in text or "not aligned" in text or "mismatch in its core dimension" in text:
        return "transpose"
    if "could not be broadcast" in text:
        shapes = re.findall(r"\(([\d,\s]*)\)", text)
        dims = [tuple(int(d) for d in sh.replace(" ", "").split(",") if d) for sh in shapes]
        if any(a != b and a == b[::-1] for a in dims for b in dims):
            return "transpose"  # (4, 3) against (3, 4): one operand is transposed
        return "broadcast"
    if "overflowerror" in text or "math range error" in text:
        return "overflow"
    if "only length-1 arrays" in text or "only 0-dimensional arrays" in text or \
            "only size-1 arrays" in text or ("typeerror" in text and "must be real number" in text):
        return "scalar-math"
    return None


NUMERIC_WARNINGS = ("overflow", "invalid value", "divide by zero")


def numeric_warnings(warnings) -> list:
    """The warnings that mean a computation overflowed or produced NaN."""
    return [w for w in warnings if any(k in str(w) for k in NUMERIC_WARNINGS)]


def describe(mistake: str) -> str:
    """The feedback paragraph for a mistake id."""
    title, why, what = MISTAKES[mistake]
    return f"Likely mistake: {title}. {why}\nWhat to try: {what}"
