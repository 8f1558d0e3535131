"""The numbers of the class report, computed from gradebook rows (no HTML, no figures).

Per assignment, each student counts once: when a student handed in several submissions the one
that counts is chosen as for the LMS export (the latest by ``submitted_at``, else the last given).
A student is the roster's when a roster is given, else the name the grader derived. Invalid and
errored submissions count with the score they got (an invalid notebook scores 0).

Shapes: an :class:`AssignmentStats` per assignment with ``scores`` (one float per student), a
:class:`QuestionStats` per question of the assignment, and lists of rows for the problem, below
the threshold and late tables.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from .gradebooks import PROBLEM_QUESTION_STATUSES, assignment_order, choose_latest, describe_choice, registry


@dataclass
class QuestionStats:
    id: str
    points: float
    submissions: int = 0  # students whose submission counts for this assignment
    passed: int = 0
    statuses: Counter = field(default_factory=Counter)  # status -> students; "no result": not in the row
    mistakes: Counter = field(default_factory=Counter)  # mistake id -> students

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


@dataclass
class Entry:
    """A student's counted submission: who (``label``) and the row."""

    label: str
    row: object


@dataclass
class AssignmentStats:
    id: str
    title: str
    max_score: float
    entries: list  # Entry per student, sorted by label
    questions: list  # QuestionStats, registry order then the others sorted
    rows_in_gradebooks: int
    several: list  # lines: which submission counted for a student with more than one
    missing: list = field(default_factory=list)  # roster labels without a submission

    @property
    def scores(self) -> list:
        return [e.row.score for e in self.entries]

    @property
    def submissions(self) -> int:
        return len(self.entries)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.entries else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.entries else 0.0

    @property
    def full_marks(self) -> int:
        return sum(1 for e in self.entries if self.max_score > 0 and e.row.score >= self.max_score)

    def below(self, fraction: float) -> list:
        """Entries scoring less than ``fraction`` of the maximum, lowest first."""
        limit = fraction * self.max_score
        return sorted((e for e in self.entries if e.row.score < limit), key=lambda e: (e.row.score, e.label))

    def problems(self) -> list:
        """``(entry, kind, reason)`` for invalid or errored submissions and cut-off functions."""
        found = []
        for e in self.entries:
            if e.row.status in ("invalid", "error"):
                found.append((e, e.row.status, e.row.error or "no reason given"))
            for q in e.row.questions:
                if q.status in PROBLEM_QUESTION_STATUSES and e.row.status == "graded":
                    first = q.feedback.strip().splitlines()[0] if q.feedback.strip() else q.status
                    found.append((e, f"{q.id}: {q.status}", first))
        return found

    def late(self) -> list:
        return sorted((e for e in self.entries if e.row.late_seconds > 0),
                      key=lambda e: (-e.row.late_seconds, e.label))


@dataclass
class ClassStats:
    assignments: list  # AssignmentStats in registry order
    unassigned: list  # Entry: rows whose assignment the grader could not tell
    unknown: list  # rows the roster does not name (only with a roster)
    total_rows: int


def label_for(row, roster) -> str | None:
    if roster is None:
        return row.student
    student = roster.match(row)
    return None if student is None else student.label


def compute(rows, roster=None) -> ClassStats:
    known = registry()
    unassigned, unknown, groups, matched = [], [], {}, []
    for r in rows:
        label = label_for(r, roster)
        if label is None:
            unknown.append(r)
            continue
        matched.append(r)
        if r.assignment is None:
            unassigned.append(Entry(label, r))
        else:
            groups.setdefault(r.assignment, {}).setdefault(label, []).append(r)
    result = []
    for aid in assignment_order(matched):
        by_student = groups.get(aid, {})
        entries, several = [], []
        for label in sorted(by_student):
            row, reason = choose_latest(by_student[label])
            entries.append(Entry(label, row))
            if reason:
                several.append(describe_choice(label, aid, by_student[label], row, reason))
        title, max_score, questions = known.get(aid, (aid, 0, ()))
        max_score = max([e.row.max_score for e in entries] + [max_score])
        stats = AssignmentStats(aid, title, max_score, entries, _questions(entries, questions),
                                sum(len(v) for v in by_student.values()), several)
        if roster is not None:
            stats.missing = [s.label for s in roster.students if s.label not in by_student]
        result.append(stats)
    return ClassStats(result, unassigned, unknown, len(rows))


def _questions(entries, registered) -> list:
    points = dict(registered)
    seen = {q.id: q.max_score for e in entries for q in e.row.questions}
    order = [name for name, _ in registered] + sorted(set(seen) - set(points))
    stats = {qid: QuestionStats(qid, max(points.get(qid, 0), seen.get(qid, 0))) for qid in order}
    for e in entries:
        listed = {q.id: q for q in e.row.questions}
        for qid, qs in stats.items():
            qs.submissions += 1
            q = listed.get(qid)
            qs.statuses["no result" if q is None else q.status] += 1
            if q is not None and q.passed:
                qs.passed += 1
            if q is not None and q.mistake:
                qs.mistakes[q.mistake] += 1
    return list(stats.values())


def sorted_mistakes(counter: Counter) -> list:
    """``[(mistake id, students), ...]``, most frequent first, ties by id."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def lateness(seconds: float) -> str:
    """``5400`` -> ``1 h 30 min``; ``90000`` -> ``1 d 1 h``; under a minute -> ``45 s``."""
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{secs} s"
