"""Grade a generated class of 100 submissions and print submissions per second.

    python benchmarks/grade_class.py [--n 100] [--jobs 2]

The class is made from ``solutions/`` a1-a5 (a6 trains a network for seconds and
is graded under its own time limit): every third submission has one function
replaced by a wrong one, some carry a stray magic or a plot. Every notebook is
graded by ``bptutor grade`` in a temporary folder; the script checks that the
right ones got full marks and the wrong ones did not, then prints the rate.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bptutor.assignments import ASSIGNMENTS  # noqa: E402


def code_cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}


def make_class(folder: str, n: int) -> dict:
    """Write ``n`` submissions; return ``{file name: expected full marks?}``."""
    ids = [a for a in ASSIGNMENTS if a != "a6"]
    expected = {}
    for i in range(n):
        a = ASSIGNMENTS[ids[i % len(ids)]]
        with open(os.path.join(ROOT, "solutions", a.notebook), encoding="utf-8") as fh:
            nb = json.load(fh)
        if i % 4 == 1:
            nb["cells"].insert(1, code_cell("%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                                            "plt.plot([0, 1], [1, 0])\nplt.show()"))
        right = i % 3 != 2
        if not right:
            q = a.questions[i % len(a.questions)]
            nb["cells"].append(code_cell(f"def {q.name}({', '.join(q.params)}):\n    return 0.0"))
        name = f"student{i:03d}_{a.id}.ipynb"
        with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
            json.dump(nb, fh)
        expected[name] = right
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subs, out = os.path.join(tmp, "submitted"), os.path.join(tmp, "out")
        os.mkdir(subs)
        expected = make_class(subs, args.n)
        bptutor = os.path.join(os.path.dirname(sys.executable), "bptutor")
        t0 = time.perf_counter()
        proc = subprocess.run([bptutor, "grade", subs, "--out", out, "--jobs", str(args.jobs)],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            return 1
        with open(os.path.join(out, "gradebook.csv"), newline="") as fh:
            rows = list(csv.DictReader(fh))
        wrong = [r["submission"] for r in rows
                 if (r["total"] == r["max"]) != expected[os.path.basename(r["submission"])]]
    print(f"graded {len(rows)} submissions (a1-a5) with --jobs {args.jobs} in {elapsed:.2f} s "
          f"(including worker start-up): {len(rows) / elapsed:.1f} submissions/second")
    print(f"gradebook rows that disagree with the intended result: {len(wrong)} {wrong[:5]}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
