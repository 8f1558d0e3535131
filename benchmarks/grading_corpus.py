"""Grade the adversarial corpus once and print what each case produced.

    .venv/bin/python benchmarks/grading_corpus.py [--as-user]

One ``bptutor grade`` run (``--timeout 2``, ``--jobs 2``) over every case of
``tests/helpers/grading_corpus``; a table of case, what it does, the points per
function, the row's error and whether it matches what the case expects.
"""
from __future__ import annotations

import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]  # a script: the test helpers are not installed

from helpers import grading_corpus  # noqa: E402
from helpers.corpus_run import grade_corpus, judge_case  # noqa: E402


def main() -> int:
    as_user = "--as-user" in sys.argv
    with tempfile.TemporaryDirectory(dir="/tmp" if as_user else None) as tmp:
        cases, subs, by_path, seconds, code, _ = grade_corpus(tmp, as_user=as_user)
        print(f"{len(cases)} cases, {len(by_path)} rows, graded in {seconds:.1f} s, exit code {code}\n")
        print(f"{'case':<20} {'result':<6} {'points':<42} error / first feedback line")
        bad = 0
        for case in cases:
            problems = judge_case(case, subs, by_path, cgroups=not as_user)
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
