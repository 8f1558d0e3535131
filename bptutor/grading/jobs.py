"""The grader's records, typed: a job, what a sandbox run returned, a judged question, a graded submission.

Each crosses one boundary and has one explicit conversion for it: :meth:`Job.payload`
(the bytes the sandbox reads: cells and trial *inputs* only, never a seed, a label or an
expected value), :meth:`RunResult.to_dict` / :meth:`RunResult.from_dict` (a Dask worker's
reply), :meth:`Record.to_dict` / :meth:`Record.from_dict` (a progress record on disk) and
:meth:`Row.to_json` (the gradebook).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..assignments import Assignment
from ..sandbox import wire
from ..sandbox.limits import SCRATCH_BYTES, SHM_BYTES, TOP_LEVEL_CELLS, wall_limit
from .submissions import Submission


@dataclass(frozen=True)
class Limits:
    """CPU seconds per question and per cell, wall seconds for the top level and for everything."""

    questions: dict
    cell: float
    top_budget: float
    deadline: float
    memory_bytes: int

    @classmethod
    def for_assignment(cls, assignment: Assignment, timeout: float | None, memory_mb: int) -> Limits:
        questions = {q.id: float(timeout or q.time_limit) for q in assignment.questions}
        cell = float(timeout or max(questions.values()))
        top = TOP_LEVEL_CELLS * wall_limit(cell)
        deadline = top + sum(wall_limit(t) for t in questions.values()) + 10.0
        return cls(questions, cell, top, deadline, int(memory_mb) * 2**20)

    @property
    def cpu_seconds(self) -> float:
        """The hard CPU limit of every process of the submission: all its allowances together."""
        return self.top_budget + sum(self.questions.values()) + 10.0


@dataclass
class Job:
    """One submission to run: its questions' trials (with the parent-only secrets) and limits."""

    id: str
    submission: Submission
    assignment: Assignment
    trials: dict  # question id -> [Trial], secrets included: these never leave the parent
    limits: Limits
    record_key: str = ""

    def payload(self) -> bytes:
        """What the sandbox reads: the code cells and, per question, the trial inputs."""
        questions = [{"id": q.id, "target": q.target, "params": list(q.params), "runner": q.runner,
                      "time_limit": self.limits.questions[q.id],
                      "trials": [{"label": t.label, "args": tuple(t.args), "kwargs": dict(t.kwargs),
                                  "then_call": None if t.then_call is None else tuple(t.then_call)}
                                 for t in self.trials[q.id]]}
                     for q in self.assignment.questions]
        header = {"cells": list(self.submission.cells), "positions": list(self.submission.positions),
                  "cell_limit": self.limits.cell,
                  "top_budget": self.limits.top_budget, "memory_bytes": self.limits.memory_bytes}
        return wire.pack(header, {"questions": questions})

    def settings(self, run_as: int | None = None) -> dict:
        """The control message for the sandbox's zygote (no student data in it)."""
        return {"job": self.id, "deadline": self.limits.deadline, "memory_bytes": self.limits.memory_bytes,
                "cpu_seconds": self.limits.cpu_seconds, "tmp_bytes": SCRATCH_BYTES, "shm_bytes": SHM_BYTES,
                "run_as": run_as}


@dataclass
class RunResult:
    """What one sandbox run gave back: the results stream and the zygote's trusted report."""

    stream: bytes = b""
    exit: int = -1
    deadline_hit: bool = False
    setup_error: str = ""
    oom: bool = False
    worker_died: bool = False
    truncated: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunResult:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class QuestionResult:
    """One question of one submission, judged."""

    id: str
    score: float
    max_score: float
    passed: bool
    status: str
    mistake: str | None
    feedback: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Record:
    """What grading one submission produced (kept between runs when ``keep``)."""

    assignment: str | None
    status: str  # "graded", "error" (something went wrong while grading it) or "invalid"
    error: str = ""
    questions: list = field(default_factory=list)  # [QuestionResult]
    problems: list = field(default_factory=list)  # the notebook's top-level problems, for the feedback file
    keep: bool = True  # False when the grader itself failed: grade it again on the next run

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "status": self.status, "error": self.error,
                "questions": [q.to_dict() for q in self.questions], "problems": list(self.problems)}

    @classmethod
    def from_dict(cls, data: dict) -> Record:
        """Inverse of :meth:`to_dict` (``KeyError``/``TypeError`` on a record of another shape)."""
        return cls(data["assignment"], data["status"], data["error"],
                   [QuestionResult(**q) for q in data["questions"]], list(data["problems"]))


@dataclass
class Row:
    """One line of the gradebook."""

    submission: str
    student: str
    assignment: str | None
    score: float
    max_score: float
    status: str
    error: str | None
    questions: list  # [QuestionResult]
    submitted_at: str | None = None
    late_seconds: float | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        out["questions"] = [q.to_dict() for q in self.questions]
        return out
