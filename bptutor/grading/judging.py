"""Trusted judging: what a sandbox sent back, turned into points by the parent.

The stream is read frame by frame with caps (:class:`bptutor.sandbox.wire.FrameReader`),
every field is checked and every string cleaned, and the outcomes are judged by
:func:`bptutor.check.judge.judge` -- the same judge the student checks use -- against the
trials the parent drew and kept, secrets included. Points are all or nothing per
question. The zygote's report (deadline, setup failure) comes from the control socket,
not from the stream, so a submission cannot forge it; what the stream says about cells
only ever concerns the submission that wrote it.
"""
from __future__ import annotations

from ..check.judge import judge
from ..sandbox import wire
from ..trials import MAX_DEPTH, Outcome
from .jobs import Job, QuestionResult, Record, RunResult
from .text import clean

#: statuses a sandbox may report for a question it could not try
SANDBOX_STATUSES = {"timeout", "memory", "crashed"}
#: outcome statuses the judge understands
OUTCOME_STATUSES = {"ok", "not-implemented", "error", "bad-return", "bad-signature", "timeout", "memory",
                    "crashed", "reference-called"}
MAX_PROBLEMS = 50


def _plain(value, depth=0):
    """A value as the judge expects it (float64 arrays in lists) or ``None`` when it is not one."""
    import numpy as np
    if type(value) is np.ndarray:
        return value.astype(np.float64)
    if type(value) is list and depth <= MAX_DEPTH:
        items = [_plain(v, depth + 1) for v in value]
        return None if any(i is None for i in items) else items
    return None


def outcome_from(data) -> Outcome:
    """An :class:`Outcome` from what a sandbox sent; anything malformed becomes an ``"error"`` outcome."""
    if not isinstance(data, dict) or data.get("status") not in OUTCOME_STATUSES:
        return Outcome("error", error="the result could not be read back")
    value = data.get("value")
    plain = None if value is None else _plain(value)
    if value is not None and plain is None:
        return Outcome("bad-return", returned="something that is not numbers",
                       error="returned something that could not be read back as numbers")
    strings = [clean(s, 200) for s in list(data.get("mutated", []))[:20] if isinstance(s, str)]
    warned = [clean(s, 300) for s in list(data.get("warnings", []))[:20] if isinstance(s, str)]
    return Outcome(data["status"], plain, clean(data.get("returned", ""), 500), clean(data.get("error", ""), 2000),
                   strings, warned)


class Stream:
    """What the frames of one run say: cell events, per-question outcomes or statuses."""

    def __init__(self, result: RunResult):
        self.cells: list = []
        self.results: dict = {}
        self.statuses: dict = {}
        self.done = False
        reader = wire.FrameReader()
        reader.feed(result.stream)
        for header, values in reader.frames():
            kind = header.get("kind")
            if kind == "cell" and isinstance(header.get("index"), int):
                self.cells.append((header["index"], clean(header.get("status", ""), 20),
                                   clean(header.get("error", ""), 300)))
            elif kind == "result" and isinstance(header.get("question"), str):
                self.results.setdefault(header["question"], (bool(header.get("missing")), values))
            elif kind == "status" and isinstance(header.get("question"), str):
                status = header.get("status") if header.get("status") in SANDBOX_STATUSES else "crashed"
                self.statuses.setdefault(header["question"], (status, clean(header.get("error", ""), 500)))
            elif kind == "done":
                self.done = True
        self.error = reader.error or ("more results than the grader reads (the rest was dropped)"
                                      if result.truncated else "")


def _why_missing(result: RunResult, job: Job, stream: Stream) -> Outcome:
    if result.deadline_hit:
        return Outcome("timeout", error=f"timed out: the whole notebook used up its {job.limits.deadline:g} s")
    if result.oom:
        return Outcome("memory", error=f"used more than {job.limits.memory_bytes / 2**30:g} GiB of memory")
    if stream.error:
        return Outcome("crashed", error=f"its results could not be read back ({stream.error})")
    return Outcome("crashed", error="process died before this function was tried "
                                    "(an earlier cell or function ended the process)")


def outcomes_for(question, n_trials: int, stream: Stream, result: RunResult, job: Job):
    """``(outcomes, missing)`` for one question."""
    if question.id in stream.results:
        missing, values = stream.results[question.id]
        if missing:
            return [], True
        if not isinstance(values, list):
            return [Outcome("error", error="the result could not be read back")] * n_trials, False
        outcomes = [outcome_from(v) for v in values[:n_trials]]
        return outcomes + [Outcome("crashed", error="no result for this trial")] * (n_trials - len(outcomes)), False
    if question.id in stream.statuses:
        status, error = stream.statuses[question.id]
        if result.oom and "SIGKILL" in error:
            status, error = "memory", f"used more than {job.limits.memory_bytes / 2**30:g} GiB of memory"
        return [Outcome(status, error=error)] * n_trials, False
    return [_why_missing(result, job, stream)] * n_trials, False


def cell_problems(stream: Stream, positions) -> list:
    """``["cell 3: error -- NameError: ...", ...]``, numbered as Jupyter shows the cells."""
    problems = []
    for index, status, error in stream.cells:
        if status == "ok":
            continue
        where = positions[index] if 0 <= index < len(positions) else index + 1
        problems.append(f"cell {where}: {status} -- {error}")
        if len(problems) >= MAX_PROBLEMS:
            problems.append("(more problems not listed)")
            break
    return problems


def judge_run(job: Job, result: RunResult) -> Record:
    """The :class:`Record` of one run: every question judged, the row's error, whether to keep it."""
    stream = Stream(result)
    questions = []
    for q in job.assignment.questions:
        trials = job.trials[q.id]
        outcomes, missing = outcomes_for(q, len(trials), stream, result, job)
        if missing:
            what = "function" if q.runner is None else "class"
            params = f" and the parameters ({', '.join(q.params)})" if q.runner is None else ""
            questions.append(QuestionResult(q.id, 0, q.points, False, "missing", None,
                                            f"✗ {q.id}: the notebook defines no {what} called {q.target}. "
                                            f"Define it with exactly this name{params}."))
            continue
        verdict = judge(q, trials, outcomes)
        questions.append(QuestionResult(q.id, q.points if verdict.passed else 0, q.points, bool(verdict.passed),
                                        verdict.status, verdict.mistake, verdict.feedback))
    record = Record(job.assignment.id, "graded", questions=questions,
                    problems=cell_problems(stream, job.submission.positions))
    if result.setup_error:
        record.status, record.keep = "error", False
        record.error = f"the sandbox failed (a grader problem, not the student's): {clean(result.setup_error, 500)}"
    elif result.worker_died:
        record.status, record.keep = "error", False
        record.error = ("the grader's worker running this notebook stopped answering; run the same command "
                        "again to grade it (finished notebooks are not graded again)")
    elif result.deadline_hit:
        record.status = "error"
        record.error = f"timed out: the notebook did not finish within {job.limits.deadline:g} s"
    return record


def not_graded(assignment, reason: str) -> list:
    """Every question of an assignment at zero, for a notebook that could not be run."""
    return [QuestionResult(q.id, 0, q.points, False, "not-graded", None, f"✗ {q.id} was not graded: {reason}")
            for q in assignment.questions]

