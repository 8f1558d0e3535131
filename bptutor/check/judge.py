"""The judge: outcomes in, a verdict with feedback out. Pure trusted code.

:func:`judge` is shared by the student checks (outcomes from the student's own
kernel) and the instructor's grader (outcomes decoded from a sandboxed child
process). It recomputes every right answer itself from private copies of the
trial inputs (the question's twin in :mod:`bptutor.check.answers`), compares, and
writes feedback for a student who is stuck: what was tried, where it went wrong,
the likely mistake (:mod:`bptutor.check.diagnose`) and what to try. A question whose
answer has its own ``judge`` (a6: held-out accuracy) is judged by that instead. It never trusts an outcome's
structure: wrong nesting, wrong shapes, NaN or a missing outcome all become
feedback, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..trials import to_plain
from . import diagnose, shapes
from .answers import answer_for
from .compare import at, conform, constant_ratio, describe_plain, first_problem, fmt, is_plain, ratio_text
from .mistake_models import Case
from .probes import numerical_at

#: statuses only the grader's sandbox produces, and what they mean
GRADER_STATUSES = {
    "timeout": "did not finish in time",
    "memory": "used too much memory",
    "crashed": "crashed the process it ran in",
    "reference-called": "called bptutor's reference implementation instead of computing the answer itself",
}


@dataclass
class Verdict:
    """The judgement of one function.

    ``status``: ``"passed"``, ``"failed"``, ``"not-attempted"``, ``"error"`` or,
    from the grader's outcomes, ``"timeout"``, ``"memory"``, ``"crashed"``,
    ``"reference-called"``. ``feedback``: plain text for the student (several
    lines). ``mistake``: an id of :data:`bptutor.check.diagnose.MISTAKES` or ``None``.
    """

    name: str
    passed: bool
    status: str
    feedback: str
    mistake: str | None
    trials_passed: int
    trials_total: int


def _trial_word(n):
    return "trial" if n == 1 else "trials"


def _get(outcome, attr, default):
    value = getattr(outcome, attr, default)
    return default if value is None else value


def _ratio_sentence(problem, got, expected, floor) -> str:
    """``every entry is exactly 2 × the expected one`` when the wrong output is a clean multiple."""
    r = constant_ratio(at(got, problem.key), at(expected, problem.key), floor)
    if r is None:
        return ""
    every = "every entry is" if problem.index else "it is"
    if r == 0.0:
        return f"{every} 0"
    opposite = ": the same size, the opposite sign" if abs(r + 1.0) < 1e-9 else ""
    return f"{every} exactly {ratio_text(r)} × the expected {'one' if problem.index else 'value'}{opposite}"


def _problem_text(problem, expected, outcome, names, got=None, floor=1e-3) -> str:
    """Where the value went wrong, in one or two sentences."""
    p = problem
    if p.kind == "count":
        return (f"{p.where} has {p.got_count} {'item' if p.got_count == 1 else 'items'}, expected {p.expected_count} "
                f"({describe_plain(expected, names)}).")
    if p.kind == "type":
        got = _get(outcome, "returned", "") or "something else"
        return f"returned {got}; expected {describe_plain(expected, names)}."
    if p.kind == "shape":
        return f"{p.where} has shape {p.got_shape}, expected {p.expected_shape}."
    entry = f", entry {list(p.index)}" if p.index else ""
    if p.kind == "nonfinite":
        return f"{p.where}{entry}: expected {fmt(p.expected)}, got {p.got} (not a finite number)."
    ratio = _ratio_sentence(p, got, expected, floor) if got is not None else ""
    if ratio:
        return f"{p.where}{entry}: expected {fmt(p.expected)}, got {fmt(p.got)}; {ratio}."
    return (f"{p.where}{entry}: expected {fmt(p.expected)}, got {fmt(p.got)} "
            f"(relative error {p.error:.2g}).")


def _numerical_note(probe, trial, problem, expected_value) -> str:
    """'A numerical gradient agrees with the expected value, not with yours', when it does."""
    if probe is None or problem.kind != "value" or problem.index is None:
        return ""
    try:
        args, kwargs = trial.materialize()
        what, numeric = numerical_at(probe, args, kwargs, problem.key, problem.index)
    except Exception:  # noqa: BLE001 -- a note, never a reason to fail
        return ""
    if numeric is None or not np.isfinite(numeric):
        return ""
    agrees = abs(numeric - expected_value) <= 1e-5 * max(abs(numeric) + abs(expected_value), 1e-6)
    if not agrees:
        return ""
    return (f"\nA numerical gradient of {what} at this entry is {fmt(numeric)}: it agrees with the "
            f"expected value, not with yours.")


def verdict(question, status, feedback, mistake, passed_n, total) -> Verdict:
    """A :class:`Verdict` for ``question`` (``passed`` exactly when ``status == "passed"``)."""
    return Verdict(question.id, status == "passed", status, feedback, mistake, passed_n, total)


def judge(question, trials, outcomes) -> Verdict:
    """Judge one function from its trials and their outcomes.

    ``question``: a :class:`bptutor.assignments.Question`; ``trials``: the list
    from ``question.make_trials(rng)``; ``outcomes``: one
    :class:`bptutor.trials.Outcome` per trial (missing ones count as not run).
    A bug in the judge itself becomes an ``"error"`` verdict, never a pass.
    """
    try:
        trials = list(trials)
        return _judge(question, trials, list(outcomes or []))
    except Exception as exc:  # noqa: BLE001 -- a bug here must never look like a pass
        return verdict(question, "error",
                       f"✗ {question.name} could not be judged ({type(exc).__name__}: {exc}).",
                        None, 0, len(trials) if isinstance(trials, list) else 0)


def _judge(question, trials, outcomes) -> Verdict:
    name = question.name
    total = len(trials)
    if total == 0:
        return verdict(question, "error", f"✗ {name}: there were no trials to run.", None, 0, 0)
    outcomes = outcomes[:total] + [None] * (total - len(outcomes))
    statuses = [str(_get(o, "status", "missing")) for o in outcomes]

    # ---- what the grader's sandbox reports
    for status, outcome in zip(statuses, outcomes):
        if status in GRADER_STATUSES:
            reason = str(_get(outcome, "error", "")).rstrip(".") or GRADER_STATUSES[status]
            text = f"✗ {name} {GRADER_STATUSES[status]}: {reason}."
            if status == "reference-called":
                text += " A function that calls the reference implementation scores zero."
            return verdict(question, status, text, None, 0, total)
    if "bad-signature" in statuses:
        o = outcomes[statuses.index("bad-signature")]
        return verdict(question, "error", f"✗ {name}: {_get(o, 'error', 'wrong parameters')}",
                        None, 0, total)
    if all(st == "not-implemented" for st in statuses):
        return verdict(question, "not-attempted",
                        f"○ {name} not attempted yet: it still raises NotImplementedError.\n"
                        f"Replace the stub with your code ({question.summary}) and run the check again.",
                        None, 0, total)

    answer = answer_for(question)
    if answer.judge is not None:
        return answer.judge(question, trials, outcomes)

    findings = [_examine(question, answer, trial, outcome, status, f"trial {i + 1} of {total} ({trial.label})")
                for i, (trial, outcome, status) in enumerate(zip(trials, outcomes, statuses))]
    passed_n = sum(f.passed for f in findings)
    if passed_n == total:
        count = f"all {total} trials" if total > 1 else "its trial"
        tol = f"{question.tol:.0e}".replace("e-0", "e-")
        return verdict(question, "passed",
                       f"✓ {name} passed {count} ({question.tried}; relative error < {tol}).",
                       None, passed_n, total)

    first = next(f for f in findings if not f.passed)
    status = "error" if any(f.raised for f in findings) else "failed"
    mistake, detail = _diagnose(answer, question, findings, first)
    head = (f"✗ {name} raised an error" if status == "error"
            else f"✗ {name} is wrong") + f" ({passed_n} of {total} {_trial_word(total)} passed)."
    text = "\n".join([head] + first.lines)
    if mistake is not None:
        text += "\n" + diagnose.describe(mistake, question, answer.hints, detail)
    else:
        text += (f"\nNo single common mistake explains all these numbers; compare each step of your "
                 f"code with the contract: {question.summary}.")
    return verdict(question, status, text, mistake, passed_n, total)


@dataclass
class _Finding:
    """What one trial showed."""

    passed: bool = False
    raised: bool = False  # the function raised (or could not be run) on this trial
    lines: list = field(default_factory=list)  # feedback: what was tried, what went wrong
    generic: str | None = None  # the mistake this trial alone suggests
    error_mistake: str | None = None  # the mistake the exception's message suggests
    mutated: list = field(default_factory=list)
    warned: list = field(default_factory=list)
    case: Case | None = None  # what the mistake models see


def _examine(question, answer, trial, outcome, status, label) -> _Finding:
    """Judge one trial's outcome against the right answer."""
    tried = f"Tried {label}."
    mutated = [str(m) for m in _get(outcome, "mutated", [])]
    warned = diagnose.numeric_warnings([str(w) for w in _get(outcome, "warnings", [])])
    if status == "error":
        msg = str(_get(outcome, "error", "an exception"))
        mistake = diagnose.from_error(msg)
        lines = [tried, f"It raised {msg}"]
        if mistake in ("transpose", "broadcast"):
            lines += _shape_story(question, answer, trial, msg)
        return _Finding(raised=True, lines=lines, error_mistake=mistake, mutated=mutated, warned=warned)
    if status == "not-implemented":
        return _Finding(raised=True, lines=[tried, "It raised NotImplementedError on this trial only: the "
                                            "function is not finished for inputs like these."])
    if status == "bad-return":
        return _bad_return(outcome, tried, mutated)
    if status != "ok":
        return _Finding(raised=True, lines=[tried, f"It could not be run: {_get(outcome, 'error', status)}"])

    args, kwargs = trial.materialize()
    expected = to_plain(answer.expected(trial, args, kwargs))
    value = _get(outcome, "value", None)
    if not is_plain(value):
        return _Finding(lines=[tried, "What came back could not be read as numbers."], generic="wrong-type")
    got = conform(value, expected)
    problem = first_problem(got, expected, question.outputs, question.tol, question.floor)
    returned = str(_get(outcome, "returned", ""))
    low_precision = any(k in returned for k in ("float32", "float16"))
    finding = _Finding(mutated=mutated, warned=warned, case=Case(trial, args, kwargs, expected, got))
    if problem is None and not mutated and not warned and not low_precision:
        finding.passed = True
        return finding

    finding.lines = [tried]
    if problem is not None:
        text = "Wrong: " + _problem_text(problem, expected, outcome, question.outputs, got, question.floor)
        if problem.kind == "value":
            text += _numerical_note(answer.probe, trial, problem, problem.expected)
        finding.lines.append(text)
    if mutated:
        finding.lines.append(f"It changed its input in place: {', '.join(mutated)}.")
    if warned:
        finding.lines.append(f"NumPy warned: {'; '.join(warned[:2])}.")
    if low_precision:
        finding.lines.append(f"It returned {returned}: the contract asks for float64.")
    finding.generic = _generic_mistake(problem, mutated, warned, low_precision)
    return finding


def _bad_return(outcome, tried, mutated) -> _Finding:
    """A trial whose value is not numbers: ``None`` (a forgotten ``return``) or another type."""
    msg = str(_get(outcome, "error", "")) or "returned something that is not numbers"
    got = str(_get(outcome, "returned", ""))
    if got == "NoneType":
        return _Finding(lines=[tried, "It returned None."], generic="missing-return", mutated=mutated)
    more = f" ({got})." if got and got not in msg else "."
    if "NoneType" in got:
        more = (f" ({got}): one of the items is None, e.g. a variable never given a value, or the result "
                f"of a method that changes a list in place and returns None, such as `list.reverse()`.")
    return _Finding(lines=[tried, f"It {msg}{more}"], generic="wrong-type", mutated=mutated)


def _shape_story(question, answer, trial, message) -> list:
    """``["Shapes: `delta_next` (3,) @ `W_next` (4, 3) does not line up..."]``, or ``[]``."""
    if question.runner is not None or answer.expected is None:
        return []
    try:
        args, kwargs = trial.materialize()
        expected = to_plain(answer.expected(trial, args, kwargs))
        told = shapes.story(message, question.params, args, expected)
    except Exception:  # noqa: BLE001 -- a note, never a reason to fail
        return []
    return [told] if told else []


def _generic_mistake(problem, mutated, warned, low_precision) -> str | None:
    """The mistake a single trial's outcome suggests by itself."""
    if mutated:
        return "mutated-input"
    if problem is None:
        return "low-precision" if low_precision else ("overflow" if warned else None)
    if problem.kind == "shape" and len(problem.got_shape) > 1 \
            and tuple(problem.got_shape) == tuple(problem.expected_shape)[::-1]:
        return "transpose"
    if problem.kind == "value" and low_precision and problem.error < 1e-4:
        return "low-precision"
    generic = {"count": "wrong-count", "type": "wrong-type", "shape": "wrong-shape",
               "nonfinite": "overflow"}.get(problem.kind)
    return generic or ("overflow" if warned else None)


def _diagnose(answer, question, findings, first) -> tuple:
    """``(mistake id or None, words that follow its title)``, strongest evidence first.

    A changed input; then a mistake model that explains every wrong number; then a ratio
    every wrong number shares (``× −1``, ``× 2``, ``× N``...); then the message of an
    exception; then overflow warnings; then what the first failing trial suggests by
    itself (None, shape, type, count, precision).
    """
    if any(f.mutated for f in findings):
        return "mutated-input", ""
    cases = [f.case for f in findings]
    mistake = diagnose.match_model(answer.models, [c for c in cases if c is not None], question.floor)
    ratio = None  # only when it may name the mistake or qualify the one a model named
    if mistake is None or mistake in diagnose.RATIO_MISTAKES:
        ratio = diagnose.common_ratio(cases, question.params, question.outputs, question.floor)
    if mistake is None:
        mistake = diagnose.ratio_mistake(ratio)
    if mistake is None:
        mistake = next((f.error_mistake for f in findings if f.error_mistake), None)
    if mistake is None and any(f.warned for f in findings):
        mistake = "overflow"
    mistake = mistake or first.generic
    detail = ""
    if ratio is not None and mistake is not None and diagnose.ratio_mistake(ratio) == mistake:
        detail = diagnose.ratio_detail(ratio, cases[ratio.trial], question.params)
    return mistake, detail
