"""How the student checks behave: registry-generated, results objects, bad input, copies,
never a pass for a function that could not be run, output stable across draws."""
from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from bptutor import assignments, check, reference
from bptutor.check.judge import Verdict, judge
from bptutor.trials import Outcome, decode_outcome, encode_outcome, run_trial

#: questions that are functions (a class's methods are tried through a runner, tested with their assignment)
NAMES = [n for n, q in assignments.QUESTIONS.items() if q.runner is None]
FAST = [n for n in NAMES if n != "train_mlp"]


def _stub(n_params):
    """A released stub: the contract's positional parameters (and keywords), raising NotImplementedError."""
    ns = {}
    params = ", ".join(f"p{i}" for i in range(n_params))
    exec(f"def stub({params}, **options):\n    raise NotImplementedError('your code here')", ns)  # noqa: S102
    return ns["stub"]


# --------------------------------------------------------------------------- generated from the registry
def test_one_check_per_registered_function():
    for q in assignments.QUESTIONS.values():
        fn = getattr(check, q.target)
        assert callable(fn) and fn.__name__ == q.target
        assert (q.summary if len(assignments.questions_for(q.target)) == 1 else q.id) in fn.__doc__
    assert {q.target for q in assignments.QUESTIONS.values()} <= set(check.__all__)


# --------------------------------------------------------------------------- not attempted, bad input
@pytest.mark.parametrize("name", NAMES)
def test_stub_is_not_attempted(name):
    q = assignments.question(name)
    result = getattr(check, name)(_stub(len(q.params)), seed=0)
    assert not result.passed and result.status == "not-attempted"
    assert "not attempted yet" in result.feedback
    assert "Traceback" not in result.feedback


@pytest.mark.parametrize("bad", [None, 3, "grad_f", np.zeros(3)])
def test_not_callable_is_one_sentence(bad):
    result = check.grad_f(bad)
    assert not result.passed and result.status == "error"
    assert "\n" not in result.feedback
    assert len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", result.feedback)) == 1
    assert "function" in result.feedback


def test_wrong_arity_is_one_sentence():
    result = check.hidden_delta(lambda delta_next, W_next: delta_next)
    assert not result.passed and "\n" not in result.feedback
    assert "(delta_next, W_next, a)" in result.feedback


def test_optional_extra_parameters_are_fine():
    def sigmoid(z, clip=None):
        return reference.sigmoid(z)
    assert check.sigmoid(sigmoid, seed=0).passed


# --------------------------------------------------------------------------- weird return values
class Sub(np.ndarray):
    pass


WEIRD = {
    "a string": lambda Z: "0.5",
    "a dict": lambda Z: {"S": reference.softmax(Z)},
    "an ndarray subclass": lambda Z: reference.softmax(Z).view(Sub),
    "a generator": lambda Z: (row for row in reference.softmax(Z)),
    "None": lambda Z: None,
    "an object array": lambda Z: np.array([object()] * 3),
    "a bool": lambda Z: True,
    "deeply nested lists": lambda Z: [[[[reference.softmax(Z)]]]],
    "a complex array": lambda Z: reference.softmax(Z).astype(complex),
    "a NaN array": lambda Z: np.full(Z.shape, np.nan),
}


@pytest.mark.parametrize("what", list(WEIRD))
def test_weird_return_values_fail_cleanly(what):
    result = check.softmax(WEIRD[what], seed=0)
    assert not result.passed
    assert result.status in ("failed", "error")
    assert result.mistake in ("wrong-type", "wrong-shape", "overflow", "missing-return")
    assert (result.mistake == "missing-return") == (what == "None")
    assert "Traceback" not in result.feedback


def test_a_tuple_returned_as_a_list_or_stacked_array_is_accepted():
    as_list = check.dense_backward(lambda dZ, X, W: list(reference.dense_backward(dZ, X, W)), seed=0)
    stacked = check.grad_f(lambda x, y: np.array(reference.grad_f(x, y)), seed=0)
    assert as_list.passed and stacked.passed


# --------------------------------------------------------------------------- copies and mutation
def test_inputs_are_copies_and_mutation_is_caught():
    q = assignments.question("backprop")
    trials = q.make_trials(np.random.default_rng(0))
    before = copy.deepcopy(trials)

    def vandal(x, t, weights, biases):
        grads = reference.backprop(x, t, weights, biases)
        x[:] = 0.0
        weights[0] *= 2.0
        return grads

    outcomes = [run_trial(vandal, trial, q.params) for trial in trials]
    assert all("weights[0]" in o.mutated and "x" in o.mutated for o in outcomes)
    verdict = judge(q, trials, outcomes)
    assert not verdict.passed and verdict.mistake == "mutated-input"
    for a, b in zip(trials, before):  # the trial data handed out is unchanged
        for x, y in zip(a.args, b.args):
            if isinstance(x, list):
                assert all(np.array_equal(u, v) for u, v in zip(x, y))
            else:
                assert np.array_equal(x, y)


# --------------------------------------------------------------------------- never a pass without a run
def test_right_once_then_broken_does_not_pass():
    calls = []

    def flaky(o, t):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("second call")
        return reference.output_delta(o, t)
    result = check.output_delta(flaky, seed=0)
    assert not result.passed and result.status == "error"
    assert "RuntimeError: second call" in result.feedback


def test_interrupt_is_not_swallowed_into_a_pass():
    def interrupted(z):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        check.sigmoid(interrupted)


@pytest.mark.parametrize("outcomes", [
    [], [None], [Outcome("ok", value=None)], [Outcome("ok", value="0.5")],
    [Outcome("ok", value=[[[[[np.zeros(2)]]]]])], [Outcome("weird-status")],
    [Outcome("ok", value=[np.zeros(3), "x"])],
])
def test_judge_never_passes_or_raises_on_missing_or_forged_outcomes(outcomes):
    q = assignments.question("dense_backward")
    trials = q.make_trials(np.random.default_rng(0))
    verdict = judge(q, trials, outcomes)
    assert isinstance(verdict, Verdict)
    assert not verdict.passed and verdict.trials_passed < verdict.trials_total


def test_judge_with_no_trials_does_not_pass():
    assert not judge(assignments.question("sigmoid"), [], []).passed


@pytest.mark.parametrize("status,error", [
    ("timeout", "timed out after 10 s"), ("memory", "used more than 1 GiB"),
    ("crashed", "process died with signal 9"), ("reference-called", "bptutor.reference.softmax was called"),
])
def test_grader_statuses_become_feedback(status, error):
    q = assignments.question("softmax")
    trials = q.make_trials(np.random.default_rng(0))
    outcomes = [Outcome("ok", value=reference.softmax(trials[0].args[0])), Outcome(status, error=error)]
    verdict = judge(q, trials, outcomes)
    assert not verdict.passed and verdict.status == status
    assert error in verdict.feedback


@pytest.mark.parametrize("name", FAST)
def test_judging_decoded_outcomes_gives_the_same_verdict(name):
    """The grader's path: outcomes cross a process boundary as JSON + npz, without pickle."""
    q = assignments.question(name)
    trials = q.make_trials(np.random.default_rng(4))
    outcomes = [run_trial(getattr(reference, name), t, q.params) for t in trials]
    arrays = {}
    encoded = [encode_outcome(o, arrays, f"t{i}_") for i, o in enumerate(outcomes)]
    decoded = [decode_outcome(e, arrays) for e in encoded]
    assert judge(q, trials, decoded) == judge(q, trials, outcomes)
    assert judge(q, trials, decoded).passed


# --------------------------------------------------------------------------- results and their display
@pytest.mark.parametrize("name", FAST)
def test_passing_output_does_not_depend_on_the_draw(name):
    fn = getattr(reference, name)
    results = [check.run_check(name, fn, seed=s) for s in (0, 1, 2, None)]
    assert all(r.passed for r in results)
    assert len({str(r) for r in results}) == 1
    assert len({r._repr_html_() for r in results}) == 1


def test_result_cards_have_the_right_colours_and_escape_html():
    passed = check.sigmoid(reference.sigmoid, seed=0)
    failed = check.sigmoid(lambda z: 1 / (1 + np.exp(-z)), seed=0)
    stub = check.sigmoid(_stub(1), seed=0)
    assert "#2e7d32" in passed._repr_html_() and "bptutor-passed" in passed._repr_html_()
    assert "#c62828" in failed._repr_html_() and "bptutor-failed" in failed._repr_html_()
    assert "#757575" in stub._repr_html_()
    assert repr(failed) == str(failed) == failed.feedback
    sneaky = check.softmax(lambda Z: exec("raise ValueError('<script>x</script>')"), seed=0)
    assert "<script>" not in sneaky._repr_html_() and "&lt;script&gt;" in sneaky._repr_html_()


def test_checks_do_not_print(capsys):
    check.hidden_delta(reference.hidden_delta, seed=0)
    check.hidden_delta(lambda d, W, a: d @ W, seed=0)
    assert capsys.readouterr().out == ""


def test_feedback_says_what_where_and_what_to_try():
    result = check.hidden_delta(lambda d, W, a: -(d @ W.T) * a * (1 - a), seed=0)
    text = result.feedback
    assert "Tried trial 1 of 2" in text
    assert "entry [" in text and "expected" in text and "exactly −1 × the expected one" in text
    assert "δ = −∂E/∂s" in text  # the per-neuron article's sign convention, the classic cause
    assert "What to try" in text
    assert "numerical gradient" in text and "agrees with the expected value" in text


# --------------------------------------------------------------------------- fuzzing the judge
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_arrays = st.builds(
    lambda shape, fill, scale: np.full(shape, fill * scale),
    st.lists(st.integers(0, 4), max_size=3).map(tuple),
    st.sampled_from([0.0, 1.0, -1.0, np.nan, np.inf, 1e300]),
    st.floats(-3, 3),
)
_values = st.recursive(_arrays, lambda inner: st.lists(inner, max_size=4), max_leaves=12)
_outcomes = st.builds(
    Outcome,
    st.sampled_from(["ok", "ok", "ok", "error", "bad-return", "not-implemented", "timeout", "???"]),
    st.one_of(st.none(), _values, st.text(max_size=5), st.integers()),
    st.text(max_size=20), st.text(max_size=20),
    st.lists(st.text(max_size=8), max_size=2), st.lists(st.text(max_size=30), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FAST), outcomes=st.lists(_outcomes, max_size=5))
def test_judge_survives_any_outcome_and_never_passes_forgeries(name, outcomes):
    """Whatever comes back from a sandbox, judging it never raises, and constant arrays,
    NaNs and random nestings never pass."""
    q = assignments.question(name)
    trials = q.make_trials(np.random.default_rng(0))
    verdict = judge(q, trials, outcomes)
    assert isinstance(verdict, Verdict) and isinstance(verdict.feedback, str) and verdict.feedback
    assert "could not be judged" not in verdict.feedback  # the judge's own safety net was not needed
    assert not verdict.passed
