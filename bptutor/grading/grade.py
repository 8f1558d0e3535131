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


def run(args) -> int:
    if args.jobs < 1:
        return _fail(f"--jobs must be at least 1, got {args.jobs}")
    if args.timeout is not None and not args.timeout > 0:
        return _fail(f"--timeout must be a positive number of seconds, got {args.timeout}")
    if args.memory < 64:
        return _fail(f"--memory must be at least 64 MB, got {args.memory}")
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
    records, jobs = {}, []
    reused = 0
    scratch = tempfile.mkdtemp(prefix="bptutor-grade-")
    os.chmod(scratch, 0o711)  # sandboxes reach their own job folder, cannot list the others
    try:
        for sub in subs:
            key = progress.key(sub.digest, sub.assignment) if sub.digest else None
            if sub.error:
                records[sub.path] = _record_for_invalid(sub)
                continue
            earlier = progress.get(key)
            if earlier is not None:
                records[sub.path] = earlier
                reused += 1
                continue
            the_assignment = get_assignment(sub.assignment)
            q_limits, cell_limit, top_budget, deadline = _limits(the_assignment, args.timeout)
            job_dir = os.path.join(scratch, f"job{len(jobs)}")
            os.mkdir(job_dir, 0o700)
            jobs.append({"id": str(len(jobs)), "assignment": sub.assignment, "seed": new_seed(),
                         "cells": sub.cells, "cell_limit": cell_limit, "top_budget": top_budget,
                         "question_limits": q_limits, "memory_bytes": args.memory * 2**20,
                         "dir": job_dir, "deadline": deadline, "_sub": sub, "_key": key})
        bar = _ProgressBar(len(subs))
        for _ in range(len(subs) - len(jobs)):
            bar.step()

        def on_reply(job, reply):
            sub = job["_sub"]
            the_assignment = get_assignment(sub.assignment)
            reply = dict(reply, deadline=job["deadline"])
            out = os.path.join(job["dir"], "out")
            record = {"assignment": sub.assignment, "error": "",
                      "questions": verdicts.judge_job(the_assignment, job["seed"], out, reply),
                      "problems": verdicts.read_cell_log(out, sub.positions)}
            if reply.get("worker_error"):
                record["error"] = f"the grader could not run this notebook: {reply['worker_error']}"
            elif reply.get("deadline_hit"):
                record["error"] = f"timed out: the notebook did not finish within {job['deadline']:g} s"
            elif reply.get("worker_died"):
                record["error"] = ("the grader's worker running this notebook died; run the same command "
                                   "again to grade it (finished notebooks are not graded again)")
            try:
                note = verdicts.read_capped(os.path.join(out, "sandbox-error.txt"), verdicts.MAX_NOTE_BYTES)
                record["error"] = f"the sandbox failed: {note.decode('utf-8', 'replace')[:500]}"
            except (OSError, ValueError):
                pass
            records[sub.path] = record
            if not record["error"].startswith("the grader") and not reply.get("worker_died"):
                progress.put(job["_key"], record)
            shutil.rmtree(job["dir"], ignore_errors=True)
            bar.step(sub.display)

        wire = [{k: v for k, v in j.items() if not k.startswith("_")} for j in jobs]
        by_id = {j["id"]: j for j in jobs}
        try:
            pool.run(wire, args.jobs, lambda w, reply: on_reply(by_id[w["id"]], reply))
        except pool.WorkerFailed as exc:
            bar.close()
            return _fail(str(exc))
        except KeyboardInterrupt:
            bar.close()
            print(f"bptutor grade: interrupted; {len(records)} notebooks are graded and kept -- run the same "
                  f"command again to grade the rest", file=sys.stderr)
            return 130
        bar.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rows = []
    for sub in subs:
        rec = records[sub.path]
        questions = rec["questions"]
        error = rec["error"] or (f"note: {sub.note}" if sub.note else None)
        rows.append({"submission": sub.display, "assignment": rec["assignment"],
                     "score": sum(q["score"] for q in questions),
                     "max_score": sum(q["max_score"] for q in questions),
                     "error": error, "questions": questions,
                     "_path": sub.path, "_student": sub.student})
    names = submissions.unique_names(subs)
    gradebook.write_all(out_dir, rows, names, {s.path: records[s.path].get("problems", []) for s in subs})
    elapsed = time.monotonic() - started
    invalid = sum(1 for s in subs if s.error)
    print(f"graded {len(subs)} notebooks in {elapsed:.1f} s ({len(jobs)} run, {reused} reused from an "
          f"earlier run, {invalid} invalid) -> {os.path.join(args.out, 'gradebook.csv')}")
    return 0
