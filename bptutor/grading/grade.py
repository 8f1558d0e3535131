"""``bptutor grade PATH... --out DIR``: grade a whole class.

The trusted parent (this module) finds and parses the notebooks, draws a fresh
seed per submission, hands each to a warm sandboxed worker
(:mod:`bptutor.grading.pool`), judges the plain numbers that come back
(:mod:`bptutor.grading.verdicts`) and writes the gradebook and feedback
(:mod:`bptutor.grading.gradebook`). It never runs student code.

Exit status 0 when grading ran, whatever the students scored; 2 when the grader
itself could not run (bad arguments, no notebooks, an out folder it cannot write).
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

from ..assignments import assignment as get_assignment
from . import gradebook, pool, submissions, verdicts
from .draws import new_seed
from .limits import TOP_LEVEL_CELLS, wall_limit


DEFAULT_MEMORY_MB = 1024


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
                        help="memory a submission may use on top of the grader's own (default %(default)s MB)")


def _fail(message: str) -> int:
    print(f"bptutor grade: error: {message}", file=sys.stderr)
    return 2


class _ProgressBar:
    """``[#####-----] 37/100`` on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.on = total > 0 and sys.stderr.isatty()

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.on:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} "
                             f"{label[:40]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _limits(the_assignment, timeout):
    """CPU seconds per function and per cell; wall seconds for all top-level code and for everything."""
    q_limits = {q.name: float(timeout or q.time_limit) for q in the_assignment.questions}
    cell_limit = float(timeout or max(q_limits.values()))
    top_budget = TOP_LEVEL_CELLS * wall_limit(cell_limit)
    deadline = top_budget + sum(wall_limit(t) for t in q_limits.values()) + 10.0
    return q_limits, cell_limit, top_budget, deadline


def _record_for_invalid(sub) -> dict:
    the_assignment = get_assignment(sub.assignment) if sub.assignment else None
    questions = verdicts.zero_results(the_assignment, sub.error) if the_assignment else []
    return {"assignment": sub.assignment, "error": sub.error, "questions": questions, "problems": []}


def _check(args) -> str | None:
    """What is wrong with the options, or ``None``."""
    if args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if args.timeout is not None and not args.timeout > 0:
        return f"--timeout must be a positive number of seconds, got {args.timeout}"
    if args.memory < 64:
        return f"--memory must be at least 64 MB, got {args.memory}"
    return None


def _plan(subs, progress, args, scratch):
    """``(records, jobs, reused)``: rows already known (invalid or graded earlier) and jobs to run."""
    records, jobs, reused = {}, [], 0
    for sub in subs:
        if sub.error:
            records[sub.path] = _record_for_invalid(sub)
            continue
        key = progress.key(sub.digest, sub.assignment)
        earlier = progress.get(key)
        if earlier is not None:
            records[sub.path] = earlier
            reused += 1
            continue
        q_limits, cell_limit, top_budget, deadline = _limits(get_assignment(sub.assignment), args.timeout)
        job_dir = os.path.join(scratch, f"job{len(jobs)}")
        os.mkdir(job_dir, 0o700)
        jobs.append({"id": str(len(jobs)), "assignment": sub.assignment, "seed": new_seed(),
                     "cells": sub.cells, "cell_limit": cell_limit, "top_budget": top_budget,
                     "question_limits": q_limits, "memory_bytes": args.memory * 2**20,
                     "dir": job_dir, "deadline": deadline, "_sub": sub, "_key": key})
    return records, jobs, reused


def _record_from_reply(job, reply) -> tuple[dict, bool]:
    """Judge what a worker's sandbox wrote: ``(record, keep)``; ``keep`` is False when the
    grader itself failed (that notebook is graded again on the next run)."""
    sub = job["_sub"]
    reply = dict(reply, deadline=job["deadline"])
    out = os.path.join(job["dir"], "out")
    record = {"assignment": sub.assignment, "error": "",
              "questions": verdicts.judge_job(get_assignment(sub.assignment), job["seed"], out, reply),
              "problems": verdicts.read_cell_log(out, sub.positions)}
    keep = True
    if reply.get("worker_error"):
        record["error"], keep = f"the grader could not run this notebook: {reply['worker_error']}", False
    elif reply.get("deadline_hit"):
        record["error"] = f"timed out: the notebook did not finish within {job['deadline']:g} s"
    elif reply.get("worker_died"):
        record["error"], keep = ("the grader's worker running this notebook died; run the same command "
                                 "again to grade it (finished notebooks are not graded again)"), False
    try:
        note = verdicts.read_capped(os.path.join(out, "sandbox-error.txt"), verdicts.MAX_NOTE_BYTES)
        record["error"], keep = f"the sandbox failed: {note.decode('utf-8', 'replace')[:500]}", False
    except (OSError, ValueError):
        pass
    return record, keep


def _rows(subs, records) -> list:
    rows = []
    for sub in subs:
        rec = records[sub.path]
        questions = rec["questions"]
        rows.append({"submission": sub.display, "assignment": rec["assignment"],
                     "score": sum(q["score"] for q in questions),
                     "max_score": sum(q["max_score"] for q in questions),
                     "error": rec["error"] or (f"note: {sub.note}" if sub.note else None),
                     "questions": questions, "_path": sub.path, "_student": sub.student})
    return rows


def run(args) -> int:
    problem = _check(args)
    if problem:
        return _fail(problem)
    files, problems = submissions.collect(args.paths)
    for p in problems:
        print(f"bptutor grade: warning: {p}", file=sys.stderr)
    if not files:
        return _fail("no notebooks found in " + ", ".join(args.paths) + " (looked for *.ipynb in folders)")
    out_dir = os.path.abspath(args.out)
    try:
        os.makedirs(out_dir, exist_ok=True)
        gradebook.write_atomic(os.path.join(out_dir, ".write-test"), "")
        os.unlink(os.path.join(out_dir, ".write-test"))
        progress = gradebook.Progress(out_dir, gradebook.grader_version(),
                                      {"timeout": args.timeout, "memory": args.memory})
    except OSError as exc:
        return _fail(f"cannot write to {args.out}: {exc.strerror or exc}")

    started = time.monotonic()
    subs = [submissions.read(f) for f in files]
    scratch = tempfile.mkdtemp(prefix="bptutor-grade-")
    os.chmod(scratch, 0o711)  # sandboxes reach their own job folder, cannot list the others
    try:
        records, jobs, reused = _plan(subs, progress, args, scratch)
        bar = _ProgressBar(len(subs))
        for _ in range(len(subs) - len(jobs)):
            bar.step()
        by_id = {j["id"]: j for j in jobs}

        def on_reply(wire_job, reply):
            job = by_id[wire_job["id"]]
            record, keep = _record_from_reply(job, reply)
            records[job["_sub"].path] = record
            if keep:
                progress.put(job["_key"], record)
            shutil.rmtree(job["dir"], ignore_errors=True)
            bar.step(job["_sub"].display)

        try:
            pool.run([{k: v for k, v in j.items() if not k.startswith("_")} for j in jobs], args.jobs, on_reply)
        except pool.WorkerFailed as exc:
            bar.close()
            return _fail(str(exc))
        except KeyboardInterrupt:
            bar.close()
            print("bptutor grade: interrupted; the notebooks graded so far are kept -- run the same "
                  "command again to grade the rest", file=sys.stderr)
            return 130
        bar.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    names = submissions.unique_names(subs)
    gradebook.write_all(out_dir, _rows(subs, records), names,
                        {s.path: records[s.path].get("problems", []) for s in subs})
    invalid = sum(1 for s in subs if s.error)
    print(f"graded {len(subs)} notebooks in {time.monotonic() - started:.1f} s ({len(jobs)} run, {reused} "
          f"reused from an earlier run, {invalid} invalid) -> {os.path.join(args.out, 'gradebook.csv')}")
    return 0
