"""Print how well the student checks discriminate, and how fast the judge is.

Every wrong implementation of ``tests/helpers/wrong_implementations.py`` goes through its
check; the script counts rejections and correctly named mistakes. ``--seeds N``
repeats the corpus (without the slow a6 trials) over N fresh draws and lists
the draws on which an implementation slipped through or was named differently.

Run: ``.venv/bin/python benchmarks/check_discrimination.py [-v] [--seeds N] [--timing]``
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]  # a script: the test helpers are not installed

from helpers.wrong_implementations import WRONG  # noqa: E402

from bptutor import assignments, reference  # noqa: E402
from bptutor.check import judge, run_check  # noqa: E402
from bptutor.trials import run_trial  # noqa: E402


def corpus_once(seed, verbose):
    rows = [(w, run_check(w.function, w.fn, seed=seed)) for w in WRONG]
    rejected = sum(not r.passed for _, r in rows)
    named = sum(r.mistake == w.mistake for w, r in rows if w.mistake is not None)
    unnamed = sum(w.mistake is None for w in WRONG)
    for w, r in rows:
        ok = (not r.passed) and (w.mistake is None or r.mistake == w.mistake)
        if verbose or not ok:
            print(f"{'ok ' if ok else 'BAD'} {w.function:31s} {w.label:58s} "
                  f"want {w.mistake} got {r.mistake} ({r.status})")
    print(f"wrong implementations: {len(rows)} over {len({w.function for w in WRONG})} functions "
          f"(seed {seed})")
    print(f"rejected: {rejected}/{len(rows)} = {100 * rejected / len(rows):.1f}%")
    print(f"mistake named correctly: {named}/{len(rows)} = {100 * named / len(rows):.1f}% "
          f"({unnamed} marked expected-unnamed, counted as not named)")
    return rejected == len(rows)


def sweep(n):
    fast = [w for w in WRONG if w.function != "train_mlp"]
    slipped, misnamed = Counter(), Counter()
    for seed in range(n):
        for w in fast:
            r = run_check(w.function, w.fn, seed=seed)
            if r.passed:
                slipped[(w.function, w.label)] += 1
            elif w.mistake is not None and r.mistake != w.mistake:
                misnamed[(w.function, w.label, r.mistake)] += 1
    runs = n * len(fast)
    print(f"sweep over {n} draws x {len(fast)} implementations = {runs} checks: "
          f"{runs - sum(slipped.values())} rejected ({100 * (1 - sum(slipped.values()) / runs):.2f}%), "
          f"{sum(misnamed.values())} named differently")
    for (fn, label), k in slipped.items():
        print(f"  passed on {k}/{n} draws: {fn}: {label}")
    for (fn, label, got), k in misnamed.items():
        print(f"  named {got} on {k}/{n} draws: {fn}: {label}")


def timing():
    """Milliseconds per judge() call, for reference outcomes and for the corpus's outcomes."""
    rng = np.random.default_rng(0)
    right, wrong = [], []
    for name, q in assignments.QUESTIONS.items():
        if q.runner is not None:
            continue  # a class's methods: no reference function to time here
        trials = q.make_trials(rng)
        fns = [(None, getattr(reference, name))] if name != "train_mlp" else []
        fns += [(w, w.fn) for w in WRONG if w.function == name]
        for w, fn in fns:
            outcomes = [run_trial(fn, t, q.params) for t in trials]
            best = np.inf
            for _ in range(3):
                t0 = time.perf_counter()
                for _ in range(10):
                    judge(q, trials, outcomes)
                best = min(best, (time.perf_counter() - t0) / 10 * 1e3)
            (right if w is None else wrong).append((best, name))
    for label, rows in (("right answers", right), ("wrong answers", wrong)):
        worst = max(rows)
        print(f"judge, {label}: mean {np.mean([r[0] for r in rows]):.2f} ms, "
              f"worst {worst[0]:.2f} ms ({worst[1]})")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", action="store_true", help="list every implementation")
    parser.add_argument("--seed", type=int, default=None, help="draw for the main run (default: fresh)")
    parser.add_argument("--seeds", type=int, default=0, help="also sweep this many draws")
    parser.add_argument("--timing", action="store_true", help="also time judge()")
    args = parser.parse_args(argv)
    ok = corpus_once(args.seed, args.v)
    if args.seeds:
        sweep(args.seeds)
    if args.timing:
        timing()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
