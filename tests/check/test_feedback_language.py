"""Feedback speaks the function's own language: its parameter names and shapes, the ratio that
really happened, a forgotten ``return`` named as such, sources by their short names.

Every wrong implementation here is written the way a student writes it; the feedback is read
as text, the way the student reads it.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from helpers.wrong_implementations import WRONG

from bptutor import assignments, check
from bptutor.check import diagnose, mistakes
from bptutor.check.answers import answer_for

SEEDS = (1, 2)
#: the questions that are functions (a class's methods have their own assignment's tests)
FUNCTIONS = [q for q in assignments.QUESTIONS.values() if q.runner is None]


def _shape(shape) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else str(tuple(shape))


def _first_trial(name, seed):
    return assignments.question(name).make_trials(np.random.default_rng(seed))[0]


def _distinctive(name: str) -> bool:
    """A name no English sentence contains by chance: ``dZ``, ``db``, ``W_next``, ``a_prev``."""
    return bool(re.fullmatch(r"d[A-Zb]\w*|\w+_\w+", name))


OWN = {q.id: set(q.params) | set(q.outputs or ()) for q in FUNCTIONS}
DISTINCTIVE = {n for names in OWN.values() for n in names if _distinctive(n)}


def _foreign_names(question_id: str, text: str) -> list:
    """Distinctive names of other questions that ``text`` uses (``dZ`` in hidden_delta's feedback)."""
    return sorted(n for n in DISTINCTIVE - OWN[question_id] if re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text))


# --------------------------------------------------------------------------- 1. the function's own terms
def hidden_delta_without_transpose(delta_next, W_next, a):
    return (delta_next @ W_next) * a * (1 - a)


def hidden_delta_column_convention(delta_next, W_next, a):
    return (W_next @ delta_next) * a * (1 - a)


@pytest.mark.parametrize("seed", (0, 1, 2, 3))
def test_a_missing_transpose_shows_the_students_own_operands_and_shapes(seed):
    trial = _first_trial("hidden_delta", seed)
    delta_next, W_next = trial.args[0], trial.args[1]
    text = check.hidden_delta(hidden_delta_without_transpose, seed=seed).feedback
    assert f"`delta_next` {_shape(delta_next.shape)} @ `W_next` {_shape(W_next.shape)} does not line up" in text
    assert f"`W_next.T` is {_shape(W_next.T.shape)}" in text
    assert "`delta_next @ W_next.T`" in text
    assert "Likely mistake: transposed result or missing transpose" in text
    assert _foreign_names("hidden_delta", text) == []
    assert not re.search(r"(?<![\w.])(dZ|dX|dW)(?!\w)|(?<!_next)\bW\.T", text), text


def test_the_column_convention_is_told_which_order_gives_the_answers_shape():
    trial = assignments.question("hidden_delta").make_trials(np.random.default_rng(1))[1]  # the batch
    delta_next, W_next = trial.args[0], trial.args[1]
    result = check.hidden_delta(hidden_delta_column_convention, seed=1)
    assert result.mistake == "transpose"
    text = result.feedback
    assert f"`W_next` {_shape(W_next.shape)} @ `delta_next` {_shape(delta_next.shape)} does not line up" in text
    rows, n = delta_next.shape[0], W_next.shape[0]
    assert f"`delta_next @ W_next.T` is {_shape((rows, n))}, the shape of the answer" in text


def test_a_transposed_result_in_dense_backward_speaks_of_dz_and_in_weight_gradient_of_a_prev():
    dense = check.dense_backward(lambda dZ, X, W: (dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)), seed=1)
    outer = check.weight_gradient(lambda a_prev, delta: np.outer(delta, a_prev), seed=1)
    assert dense.mistake == outer.mistake == "transpose"
    assert "`X.T @ dZ`" in dense.feedback and "a_prev" not in dense.feedback
    assert "`np.outer(a_prev, delta)`" in outer.feedback
    assert _foreign_names("weight_gradient", outer.feedback) == []
    assert _foreign_names("dense_backward", dense.feedback) == []


def test_an_ignored_upstream_gradient_is_called_by_its_own_name():
    def softmax_backward(S, dS):
        return S * (1 - np.sum(S, axis=1, keepdims=True))

    def sigmoid_backward(dA, A):
        return A * (1 - A)

    soft = check.softmax_backward(softmax_backward, seed=1)
    sig = check.sigmoid_backward(sigmoid_backward, seed=1)
    assert soft.mistake == sig.mistake == "missing-upstream"
    assert "`dS`" in soft.feedback and "dA" not in soft.feedback
    assert "`dA * A * (1 - A)`" in sig.feedback and "dS" not in sig.feedback


def test_a_sign_hint_talks_about_o_and_t_only_where_they_exist():
    def sigmoid(z):
        return np.exp(-np.logaddexp(0, z))  # exp(z) where exp(-z) belongs

    def cross_entropy(S, Y):
        return np.sum(Y * np.log(S)) / len(S)

    for name, fn in (("sigmoid", sigmoid), ("cross_entropy", cross_entropy)):
        result = check.run_check(name, fn, seed=1)
        assert result.mistake == "sign", result.feedback
        assert not re.search(r"\b[ot] − [ot]\b|\bt - o\b", result.feedback), result.feedback
    assert "σ(−z)" in check.sigmoid(sigmoid, seed=1).feedback


def test_returned_items_are_named_by_the_question():
    swapped = check.grad_f(lambda x, y: (x + 2 * (x + y), 2 * x + y + 2 * (x + y)), seed=1)
    order = check.dense_backward(lambda dZ, X, W: (X.T @ dZ, dZ @ W.T, dZ.sum(axis=0)), seed=1)
    assert swapped.mistake == "swapped-outputs" and "(df/dx, df/dy)" in swapped.feedback
    assert order.mistake == "wrong-order" and "(dX, dW, db)" in order.feedback
    assert "dX" not in swapped.feedback


GENERIC = set(mistakes.MISTAKES) - {  # the ids only one question can make, whose shared text may use its names
    "regularised-biases", "missing-regularisation", "lambda-not-divided-by-N", "forward-difference",
    "step-too-large", "relerr-no-floor", "relerr-no-max", "relerr-denominator", "missing-path", "layer-order",
    "diagonal-jacobian", "mean-over-all-entries", "constant-predictions", "low-accuracy"}


@pytest.mark.parametrize("question", FUNCTIONS, ids=lambda q: q.id)
def test_no_explanation_uses_another_functions_names(question):
    answer = answer_for(question)
    ids = GENERIC | {m for m, _ in answer.models} | set(answer.hints) | {w.mistake for w in WRONG
                                                                          if w.function == question.id and w.mistake}
    for mistake in sorted(ids):
        text = diagnose.describe(mistake, question, answer.hints)
        assert _foreign_names(question.id, text) == [], (mistake, text)
        assert "{" not in text, (mistake, text)  # every placeholder was filled


def test_hints_only_name_mistakes_that_exist():
    for question in FUNCTIONS:
        hints = answer_for(question).hints
        assert set(hints) <= set(diagnose.MISTAKES), (question.id, set(hints) - set(diagnose.MISTAKES))
        for value in hints.values():
            assert isinstance(value, str) or (isinstance(value, tuple) and len(value) == 2), (question.id, value)


# --------------------------------------------------------------------------- 2. what really happened
RATIO_CASES = [  # (function, a student's code, mistake, words the feedback must contain)
    ("sigmoid_prime_from_output", lambda a: 2 * a * (1 - a), "factor-2",
     ["every entry is exactly 2 × the expected one", "twice too large"]),
    ("tanh_prime_from_output", lambda a: (1 - a * a) / 2, "factor-2",
     ["every entry is exactly 1/2 × the expected one", "half the right size"]),
    ("weight_gradient", lambda a_prev, delta: 2 * np.outer(a_prev, delta), "factor-2", ["exactly 2 ×"]),
    ("sigmoid_backward", lambda dA, A: -dA * A * (1 - A), "sign",
     ["exactly −1 × the expected one: the same size, the opposite sign"]),
    ("hidden_delta", lambda delta_next, W_next, a: (delta_next @ W_next.T) * a * (1 - a) * 3, "constant-factor",
     ["exactly 3 × the expected"]),
    ("relative_error", lambda a, b: 2 * np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)),
     "factor-2", ["it is exactly 2 × the expected value"]),
    ("dense_forward", lambda X, W, b: (X @ W + b) * 1.5, "constant-factor", ["exactly 3/2 ×"]),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,fn,mistake,words", RATIO_CASES, ids=[c[0] + ":" + c[2] for c in RATIO_CASES])
def test_a_clean_ratio_is_reported_as_that_ratio(name, fn, mistake, words, seed):
    result = check.run_check(name, fn, seed=seed)
    assert result.mistake == mistake, result.feedback
    for w in words:
        assert w in result.feedback, result.feedback
    assert "relative error" not in result.feedback.split("\n")[2]  # the "Wrong:" line states the ratio instead


def test_a_sum_where_a_mean_belongs_is_n_times_too_large_with_n_named():
    def softmax_cross_entropy_backward(Z, Y):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True) - Y

    for seed in SEEDS:
        n = len(_first_trial("softmax_cross_entropy_backward", seed).args[0])
        result = check.softmax_cross_entropy_backward(softmax_cross_entropy_backward, seed=seed)
        assert result.mistake == "missing-1/N"
        assert f"exactly {n} × the expected one" in result.feedback
        assert f"N = {n} in trial 1: the number of rows (examples) of `Z`" in result.feedback


def test_no_ratio_is_claimed_when_there_is_none():
    result = check.hidden_delta(lambda delta_next, W_next, a: delta_next @ W_next.T, seed=1)
    assert result.mistake == "missing-derivative"
    assert "relative error" in result.feedback and "×" not in result.feedback


def test_forgetting_return_is_named_for_what_it_is():
    def output_delta(o, t):
        delta = (o - t) * o * (1 - o)  # noqa: F841 -- computed, never returned

    def dense_backward(dZ, X, W):
        dX, dW, db = dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)  # noqa: F841

    for name, fn in (("output_delta", output_delta), ("dense_backward", dense_backward)):
        result = check.run_check(name, fn, seed=1)
        assert result.mistake == "missing-return", result.feedback
        assert "It returned None." in result.feedback
        assert "did you forget `return`?" in result.feedback
        assert f"End `{name}` with a `return` line" in result.feedback
        assert "wrong type" not in result.feedback
    assert "(dX, dW, db)" in check.dense_backward(dense_backward, seed=1).feedback


def test_a_none_inside_the_returned_tuple_says_which_kind_of_none():
    def backprop(x, t, weights, biases):
        grads_W = [np.zeros_like(W) for W in weights]
        grads_b = [np.zeros_like(b) for b in biases].reverse()  # reverse() works in place, returns None
        return grads_W, grads_b

    result = check.backprop(backprop, seed=1)
    assert result.mistake == "wrong-type"
    assert "one of the items is None" in result.feedback and "`list.reverse()`" in result.feedback


def test_a_capstone_that_forgets_to_return_predict_is_told_so():
    def train_mlp(X, y, seed=0):
        def predict(X_new):
            return np.zeros(len(X_new), dtype=int)
        # return predict forgotten

    result = check.train_mlp(train_mlp, seed=5)
    assert result.mistake == "missing-return"
    assert "`return predict`" in result.feedback


# --------------------------------------------------------------------------- 3. sources by their short names
SEED_JARGON = re.compile(r"\bseeds?\s*\d{3}\b|\bseed 0", re.IGNORECASE)


def test_no_mistake_text_or_hint_speaks_of_seeds():
    for mistake, texts in diagnose.MISTAKES.items():
        assert not SEED_JARGON.search(" ".join(texts)), mistake
    for question in assignments.QUESTIONS.values():
        for mistake, hint in answer_for(question).hints.items():
            assert not SEED_JARGON.search(str(hint)), (question.id, mistake)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_verdict_over_the_whole_corpus_speaks_of_seeds_or_of_other_functions(seed):
    for w in WRONG:
        if w.function == "train_mlp" and seed != SEEDS[0]:
            continue
        text = check.run_check(w.function, w.fn, seed=5 if w.function == "train_mlp" else seed).feedback
        assert not SEED_JARGON.search(text), (w.function, w.label, text)
        assert _foreign_names(w.function, text) == [], (w.function, w.label, text)


# --------------------------------------------------------------------------- 4. the card wraps at spaces
def test_the_card_keeps_words_code_and_shapes_whole():
    html = check.hidden_delta(hidden_delta_without_transpose, seed=1)._repr_html_()
    assert "<pre" not in html  # JupyterLab gives every output <pre> word-break: break-all
    assert "word-break:normal" in html and "white-space:pre-wrap" in html
    assert re.search(r'<code style="white-space:nowrap[^"]*">W_next\.T</code>', html)
    assert re.search(r'<span style="white-space:nowrap">\(\d, \d\)</span>', html)
    assert "<b>What to try:</b>" in html


def test_a_passing_card_is_unchanged_one_line():
    from bptutor import reference

    html = check.hidden_delta(reference.hidden_delta, seed=0)._repr_html_()
    assert html.count("<div") == 1 and "bptutor-check-body" not in html
