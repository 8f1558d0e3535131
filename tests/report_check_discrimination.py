"""Print how well the student checks discriminate: run every wrong implementation of
``tests/wrong_implementations.py`` through its check and count rejections and named mistakes.

Run: ``.venv/bin/python tests/report_check_discrimination.py [-v]``
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bptutor.check import run_check  # noqa: E402
from wrong_implementations import WRONG  # noqa: E402


def evaluate(seed=None):
    """``[(wrong, result)]`` for the whole corpus."""
    return [(w, run_check(w.function, w.fn, seed=seed)) for w in WRONG]


def main(argv):
    verbose = "-v" in argv
    rows = evaluate()
    rejected = sum(not r.passed for _, r in rows)
    expect_named = [(w, r) for w, r in rows if w.mistake is not None]
    named = sum(r.mistake == w.mistake for w, r in expect_named)
    unnamed = len(rows) - len(expect_named)
    functions = len({w.function for w in WRONG})
    for w, r in rows:
        ok = (not r.passed) and (w.mistake is None or r.mistake == w.mistake)
        if verbose or not ok:
            print(f"{'ok ' if ok else 'BAD'} {w.function:32s} {w.label:55s} want {w.mistake} got {r.mistake} ({r.status})")
    print(f"wrong implementations: {len(rows)} over {functions} functions")
    print(f"rejected: {rejected}/{len(rows)} = {100 * rejected / len(rows):.1f}%")
    print(f"mistake named correctly: {named}/{len(rows)} = {100 * named / len(rows):.1f}% "
          f"({unnamed} marked expected-unnamed)")
    return 0 if rejected == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
