"""Grade the adversarial corpus once and print what each case produced.

    .venv/bin/python tests/report_grading_corpus.py

One ``bptutor grade`` run (``--timeout 2``, ``--jobs 2``) over every case of
``tests/grading_corpus``; a table of case, what it does, the points per
function, the row's error and whether it matches what the case expects.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

import grading_corpus  # noqa: E402
from bptutor.cli import main as bptutor  # noqa: E402


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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cases, subs, by_path, seconds, code = grade_corpus(tmp)
        print(f"{len(cases)} cases, {len(by_path)} rows, graded in {seconds:.1f} s, exit code {code}\n")
        print(f"{'case':<20} {'result':<6} {'points':<42} error / first feedback line")
        bad = 0
        for case in cases:
            problems = judge_case(case, subs, by_path)
            bad += bool(problems)
            for path in grading_corpus.expected_rows(case, subs):
                row = by_path.get(path, {"questions": [], "error": "(no row)"})
                points = " ".join(f"{q['id']}={q['score']:g}/{q['max_score']:g}" for q in row["questions"])
                first = row["error"] or next((q["feedback"].splitlines()[0] for q in row["questions"]
                                              if not q["passed"]), "")
                print(f"{case.name:<20} {'ok' if not problems else 'WRONG':<6} {points:<42} {first[:90]}")
            for p in problems:
                print(f"{'':<27}!! {p}")
        print(f"\n{len(cases) - bad} of {len(cases)} cases produced the expected row(s)")
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
