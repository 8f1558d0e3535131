"""The checks discriminate: every wrong implementation of the corpus is rejected and its
mistake named; every reference implementation passes."""
from __future__ import annotations

import pytest
from helpers.wrong_implementations import WRONG  # noqa: E402

from bptutor import assignments, check, reference
from bptutor.check import diagnose
from bptutor.check.answers import answer_for

#: fixed draws keep the suite deterministic; benchmarks/check_discrimination.py --seeds N sweeps many
SEEDS = (1, 2)
FAST = [w for w in WRONG if w.function != "train_mlp"]
SLOW = [w for w in WRONG if w.function == "train_mlp"]
#: the questions that are functions (a class's methods are tried through a runner and have their own corpus)
FUNCTIONS = [n for n, q in assignments.QUESTIONS.items() if q.runner is None]


def _id(w):
    return f"{w.function}:{w.label}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("wrong", FAST, ids=_id)
def test_wrong_implementation_rejected_and_named(wrong, seed):
    result = check.run_check(wrong.function, wrong.fn, seed=seed)
    assert not result.passed and not bool(result)
    assert result.status in ("failed", "error")
    if wrong.mistake is not None:
        assert result.mistake == wrong.mistake, result.feedback
        assert diagnose.MISTAKES[wrong.mistake][0] in result.feedback


@pytest.mark.parametrize("wrong", SLOW, ids=_id)
def test_wrong_capstone_rejected_and_named(wrong):
    result = check.run_check(wrong.function, wrong.fn, seed=5)
    assert not result.passed
    assert result.mistake == wrong.mistake, result.feedback


def test_corpus_covers_every_function_twice_and_names_enough():
    per_function = {name: sum(w.function == name for w in WRONG) for name in FUNCTIONS}
    assert min(per_function.values()) >= 2, per_function
    assert {w.function for w in WRONG} <= set(FUNCTIONS)
    unnamed = [w for w in WRONG if w.mistake is None]
    assert len(WRONG) - len(unnamed) >= 0.9 * len(WRONG)


#: the mistake classes the course promises to recognise (issue "Exercises that teach")
PROMISED = {
    "sign", "transpose", "missing-derivative", "derivative-of-preactivation", "derivative-twice",
    "factor-2", "missing-1/N", "extra-1/N", "wrong-axis", "regularised-biases",
    "lambda-not-divided-by-N", "forward-difference", "relerr-no-floor", "relerr-no-max",
    "overflow", "mutated-input", "wrong-shape", "wrong-type", "wrong-count",
    "constant-predictions", "low-accuracy",
}


def test_corpus_covers_every_promised_mistake_class():
    used = {w.mistake for w in WRONG if w.mistake}
    assert PROMISED <= used, PROMISED - used
    assert used <= set(diagnose.MISTAKES)


def test_every_question_has_an_answer_whose_models_name_known_mistakes():
    for name, question in assignments.QUESTIONS.items():
        answer = answer_for(question)
        assert answer.judge is not None or answer.expected is not None, name
        for mistake, model in answer.models:
            assert mistake in diagnose.MISTAKES, (name, mistake)
            assert callable(model), (name, mistake)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", [n for n in FUNCTIONS if n != "train_mlp"])
def test_reference_passes(name, seed):
    result = check.run_check(name, getattr(reference, name), seed=seed)
    assert result.passed and bool(result), result.feedback
    assert result.status == "passed" and result.mistake is None
    assert result.trials_passed == result.trials_total > 0


def test_reference_train_mlp_passes():
    result = check.train_mlp(reference.train_mlp, seed=3)
    assert result.passed, result.feedback


from helpers.right_implementations import RIGHT  # noqa: E402


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function,label,fn", RIGHT, ids=[f"{f}:{lab}" for f, lab, _ in RIGHT])
def test_correct_implementations_written_differently_pass(function, label, fn, seed):
    result = check.run_check(function, fn, seed=seed)
    assert result.passed, result.feedback
