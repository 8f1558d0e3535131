"""Grading the adversarial corpus once, and judging each case's rows (used by the corpus
test and by ``benchmarks/grading_corpus.py``)."""
from __future__ import annotations

import json
import os
import time

from bptutor.cli import main as bptutor
from helpers import grading_corpus


def grade_corpus(tmp: str, timeout: float = 2.0, jobs: int = 2):
    """Write the corpus under ``tmp``, grade it; ``(cases, rows by absolute path, seconds, exit code)``."""
    subs, out, scratch = (os.path.join(tmp, d) for d in ("submitted", "out", "scratch"))
    for d in (subs, out, scratch):
        os.makedirs(d, exist_ok=True)
    os.chmod(scratch, 0o777)
    os.chmod(tmp, 0o755)
    cases = grading_corpus.cases(out, scratch)
    for case in cases:
        grading_corpus.write(case, subs)
    t0 = time.monotonic()
    code = bptutor(["grade", subs, "--out", out, "--timeout", str(timeout), "--jobs", str(jobs)])
    seconds = time.monotonic() - t0
    with open(os.path.join(out, "gradebook.json"), encoding="utf-8") as fh:
        rows = json.load(fh)
    by_path = {os.path.abspath(r["submission"]): r for r in rows}
    return cases, subs, by_path, seconds, code


def judge_case(case, subs, by_path) -> list:
    """Problems with a case's rows (empty when it produced exactly what it should)."""
    problems = []
    for path, scores in grading_corpus.expected_rows(case, subs).items():
        row = by_path.get(path)
        if row is None:
            problems.append(f"no row for {path}")
            continue
        got = {q["id"]: q["score"] for q in row["questions"]}
        if scores and got != scores:
            problems.append(f"scores {got}, expected {scores}")
        if not scores and got:
            problems.append(f"graded functions {got}, expected none")
        err = row["error"] or ""
        if case.error and case.error not in err:
            problems.append(f"error {err!r} lacks {case.error!r}")
        if not case.error and err:
            problems.append(f"unexpected error {err!r}")
        for q in row["questions"]:
            want = case.feedback.get(q["id"])
            if want and want not in q["feedback"]:
                problems.append(f"{q['id']} feedback lacks {want!r}: {q['feedback'][:200]!r}")
    return problems
