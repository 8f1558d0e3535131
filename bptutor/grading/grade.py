"""``bptutor grade PATH... --out DIR``: grade a whole class.

The trusted parent (this module) finds and reads the notebooks, draws every trial itself,
sends each submission's code and trial *inputs* to a warm sandbox
(:mod:`bptutor.grading.pool`, or a Dask cluster with ``--dask``), judges the plain numbers
that come back against the answers it kept (:mod:`bptutor.grading.judging`) and writes the
gradebook and feedback (:mod:`bptutor.grading.gradebook`). It never runs student code.

Exit status 0 when grading ran, whatever the students scored; 2 when the grader itself
could not run (bad arguments, no notebooks, no sandbox, an out folder it cannot write).
"""
from __future__ import annotations

import datetime
import os
import sys
import time
import types

from ..assignments import assignment as get_assignment
from ..sandbox.limits import DEFAULT_MEMORY_MB
from . import draws, gradebook, judging, submissions
from .jobs import Job, Limits, Record, Row
from .progress import ProgressLine
from .records import Progress
from .sandbox_worker import Isolation, SandboxUnavailable, choose
from .text import clean

UNSAFE_NOTE = "note: graded WITHOUT a sandbox (--unsafe-no-sandbox): the student's code ran unconfined"
CONTAINER_NOTE = ("note: graded inside a container that does not allow namespaces; the container itself "
                  "is the isolation boundary")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="submitted notebooks, or folders searched recursively for *.ipynb")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="where gradebook.csv, gradebook.json and feedback/ are written")
    parser.add_argument("--jobs", type=int, default=_cores(), metavar="N",
                        help="submissions graded at once (default: the number of cores, %(default)s)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="CPU-time limit per function and per notebook cell; wall-clock time "
                             "allowed is 1.5 times that plus 3 s (default: each function's limit in the registry)")
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                        help="memory a submission may use on top of the sandbox's own (default %(default)s MB)")
    parser.add_argument("--deadline", default=None, metavar="WHEN",
                        help="ISO 8601 date and time (UTC unless it names a zone); later submissions are "
                             "marked late by their modification time, plus the roster's extension_hours")
    parser.add_argument("--roster", default=None, metavar="CSV",
                        help="roster with per-student extension_hours for --deadline (columns submission, id, name)")
    parser.add_argument("--regrade", action="store_true",
                        help="grade everything again instead of reusing the records of an earlier run")
    parser.add_argument("--replace", action="store_true",
                        help="write a gradebook of these submissions only, instead of merging them into "
                             "the gradebook already in --out")
    parser.add_argument("--dask", default=None, metavar="ADDRESS",
                        help="grade on an existing dask.distributed cluster (needs bptutor[dask] and "
                             "bubblewrap on every worker) instead of on this machine")
    parser.add_argument("--in-container", action="store_true",
                        help="this machine is a throw-away container (Gradescope's): where it refuses "
                             "namespaces, the container itself is the isolation boundary")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run student code WITHOUT bubblewrap (only inside a throw-away VM or container; "
                             "every row says so)")


def _fail(message: str) -> int:
    print(f"bptutor grade: error: {message}", file=sys.stderr)
    return 2


def _check(args) -> str | None:
    """What is wrong with the options, or ``None``."""
    if args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if args.timeout is not None and not args.timeout > 0:
        return f"--timeout must be a positive number of seconds, got {args.timeout}"
    if args.memory < 64:
        return f"--memory must be at least 64 MB, got {args.memory}"
    if args.roster and not args.deadline:
        return "--roster is read for its extension_hours: give --deadline too"
    return None


def parse_deadline(text: str) -> datetime.datetime:
    """An aware datetime from ISO 8601 (UTC when no zone is given); ``ValueError`` otherwise."""
    when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)


def _lateness(sub, deadline, roster) -> float | None:
    if deadline is None or sub.submitted_at is None:
        return None
    extra = 0.0
    if roster is not None:
        student = roster.match(types.SimpleNamespace(submission=sub.display, file=os.path.basename(sub.path),
                                                     student=sub.student))
        extra = (student.extension_hours or 0.0) * 3600 if student is not None else 0.0
    late = (datetime.datetime.fromisoformat(sub.submitted_at) - deadline).total_seconds() - extra
    return round(late, 1) if late > 0 else None


def _invalid(sub) -> Record:
    the_assignment = get_assignment(sub.assignment) if sub.assignment else None
    questions = judging.not_graded(the_assignment, sub.error) if the_assignment else []
    return Record(sub.assignment, "invalid", sub.error, questions)


class Grading:
    """One run of ``bptutor grade``: plan, run the jobs, judge, write."""

    def __init__(self, args, isolation):
        self.args, self.isolation = args, isolation
        self.out_dir = os.path.abspath(args.out)
        options = {"timeout": args.timeout, "memory": args.memory}
        self.progress = Progress(self.out_dir, f"{gradebook.grader_version()}|{sorted(options.items())}")
        self.records: dict = {}
        self.reused = 0

    def plan(self, subs) -> list:
        """Records for what needs no run (invalid, graded before) and jobs for the rest."""
        jobs: list = []
        for sub in subs:
            if sub.error:
                self.records[sub.path] = _invalid(sub)
                continue
            the_assignment = get_assignment(sub.assignment)
            key = self.progress.record_key(sub.digest, sub.assignment)
            earlier = None if self.args.regrade else self.progress.get(key)
            if earlier is not None:
                self.records[sub.path] = earlier
                self.reused += 1
                continue
            seed = self.progress.trial_seed(sub.digest, sub.assignment)
            jobs.append(Job(str(len(jobs)), sub, the_assignment, draws.draw_trials(the_assignment, seed),
                            Limits.for_assignment(the_assignment, self.args.timeout, self.args.memory), key))
        return jobs

    def judged(self, job, result) -> Record:
        record = judging.judge_run(job, result)
        self.records[job.submission.path] = record
        if record.keep:
            self.progress.put(job.record_key, record)
        return record

    def rows(self, subs, deadline, roster) -> list:
        note = {"unsafe": UNSAFE_NOTE, "container": CONTAINER_NOTE}.get(self.isolation.mode)
        rows = []
        for sub in subs:
            rec = self.records[sub.path]
            notes = [n for n in (rec.error, f"note: {sub.note}" if sub.note else "", note) if n]
            rows.append(Row(sub.display, sub.student, rec.assignment, sum(q.score for q in rec.questions),
                            sum(q.max_score for q in rec.questions), rec.status, clean("; ".join(notes)) or None,
                            rec.questions, sub.submitted_at, _lateness(sub, deadline, roster)))
        return rows


def _pool(args, isolation):
    if args.dask:
        from .dask_pool import DaskPool
        return DaskPool(args.dask, isolation, args.memory * 2**20)
    from .pool import LocalPool
    return LocalPool(isolation, args.jobs, args.memory * 2**20)


def run(args) -> int:
    problem = _check(args)
    if problem:
        return _fail(problem)
    try:
        deadline = parse_deadline(args.deadline) if args.deadline else None
    except ValueError:
        return _fail(f"--deadline must be an ISO 8601 date and time such as 2026-12-01T23:59, got {args.deadline!r}")
    roster = None
    if args.roster:
        from ..instructor.roster import RosterError, read_roster
        try:
            roster = read_roster(args.roster)
        except RosterError as exc:
            return _fail(str(exc))
    files, problems = submissions.collect(args.paths)
    for p in problems:
        print(f"bptutor grade: warning: {p}", file=sys.stderr)
    if not files:
        return _fail("no notebooks found in " + ", ".join(clean(p) for p in args.paths)
                     + " (looked for *.ipynb in folders)")
    try:  # with --dask the workers run the sandboxes (and are checked before the first job), not this machine
        isolation = (Isolation("bwrap") if args.dask and not (args.unsafe_no_sandbox or args.in_container)
                     else choose(unsafe=args.unsafe_no_sandbox, container=args.in_container))
    except SandboxUnavailable as exc:
        return _fail(str(exc))
    if isolation.mode == "unsafe":
        print("bptutor grade: WARNING: grading WITHOUT a sandbox: student code runs with your permissions",
              file=sys.stderr)
    try:
        os.makedirs(args.out, exist_ok=True)
        grading = Grading(args, isolation)
    except OSError as exc:
        return _fail(f"cannot write to {args.out}: {exc.strerror or exc}")

    started = time.monotonic()
    subs = [submissions.read(f) for f in files]
    jobs = grading.plan(subs)
    line = ProgressLine(len(subs), already=len(subs) - len(jobs))

    def on_result(job, result):
        record = grading.judged(job, result)
        line.step(job.submission.display, sum(q.score for q in record.questions),
                  sum(q.max_score for q in record.questions), record.status, result.seconds)

    try:
        _pool(args, isolation).run(jobs, on_result)
    except SandboxUnavailable as exc:
        line.close()
        return _fail(str(exc))
    except KeyboardInterrupt:
        line.close()
        print("bptutor grade: interrupted; the notebooks graded so far are kept -- run the same "
              "command again to grade the rest", file=sys.stderr)
        return 130
    line.close()
    for job in jobs:  # a job the pool could not run at all (it stopped early) is graded next time
        if job.submission.path not in grading.records:
            grading.records[job.submission.path] = Record(job.assignment.id, "error",
                                                          "not graded in this run; run the command again",
                                                          judging.not_graded(job.assignment, "not run"), keep=False)
    rows = grading.rows(subs, deadline, roster)
    names = submissions.unique_names(subs)
    feedback = {names[s.path]: gradebook.to_markdown(r, grading.records[s.path].problems) for s, r in zip(subs, rows)}
    old = [] if args.replace else gradebook.existing_rows(grading.out_dir)
    merged, kept = gradebook.merge(old, rows)
    try:
        gradebook.write_all(grading.out_dir, merged, feedback)
    except OSError as exc:
        return _fail(f"cannot write the gradebook in {args.out}: {exc.strerror or exc}")
    invalid = sum(1 for s in subs if s.error)
    errors = sum(1 for r in rows if r.status == "error")
    merged_note = f"; merged into the {kept} rows already in the gradebook" if kept else ""
    print(f"graded {len(subs)} notebooks in {time.monotonic() - started:.1f} s ({len(jobs)} run, {grading.reused} "
          f"reused from an earlier run, {invalid} invalid, {errors} with errors; isolation: {isolation.describe()})"
          f"{merged_note} -> {os.path.join(args.out, 'gradebook.csv')}")
    return 0
