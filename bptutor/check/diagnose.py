"""The diagnosis of common mistakes: a vocabulary, and the matching of mistake models.

:data:`MISTAKES` maps a mistake id to ``(title, explanation, what to try)``: one shared
table of explanations for every assignment.

Each question's *mistake models* live in its twin under :mod:`bptutor.check.answers`:
``(mistake_id, model)`` pairs, where ``model(case)`` computes what one specific wrong
implementation returns for the same inputs (the sign flipped, a transpose missing, the
activation derivative left out...; see :mod:`bptutor.check.mistake_models`). When a
student's outputs agree with a model on every trial, and the model differs from the
right answer on at least one, :func:`match_model` names that mistake.

Other mistakes are read from the outcome itself: :func:`from_error` (the
message of an exception), warnings and non-finite values (``overflow``), a
changed input (``mutated-input``), the shape, type and count of what came back.
"""
from __future__ import annotations

import re

import numpy as np

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


def match_model(models, cases, floor=1e-6, tol=1e-6) -> str | None:
    """The first mistake whose model explains the student's values on every case.

    ``models``: ``[(mistake id, model)]``; ``cases``: one
    :class:`~bptutor.check.mistake_models.Case` per trial that returned numbers (plain
    values, ``got`` already conformed). On each case the model must agree with every
    output the student got wrong (outputs the student got right may differ: a mistake
    made in one output only still matches), and on at least one case the student must
    have got something wrong.
    """
    prepared = [(case, _wrong_leaves(case.got, case.expected, tol, floor), len(leaves(case.got)))
                for case in cases]
    if not any(wrong for _, wrong, _ in prepared):
        return None
    for mistake, model in models:
        for case, wrong, n_leaves in prepared:
            if not wrong:
                continue
            try:
                with np.errstate(all="ignore"):
                    predicted = model(case)
                if predicted is None:
                    break
                predicted = to_plain(predicted)
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
