"""Grade a generated class of 100 submissions and print submissions per second.

    python benchmarks/grade_class.py [--n 100] [--jobs 2] [--dask]

The class is made from ``solutions/`` a1-a5 (a6 trains a network for seconds and
is graded under its own time limit): every third submission has one function
replaced by a wrong one, some carry a stray magic or a plot. Every notebook is
graded by ``bptutor grade`` in a temporary folder; the script checks that the
right ones got full marks and the wrong ones did not, then prints the rate. With ``--dask``
the same class is graded a second time, on a local Dask cluster of ``--jobs`` worker
processes (one thread each, as on a real cluster) with ``bptutor grade --dask``, into a folder
holding the same key (so the same trials): both rates side by side, and whether the two
gradebooks are the same bytes (needs ``pip install bptutor[dask]``).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
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
    ids = ["a1", "a2", "a3", "a4", "a5"]  # a6 trains for seconds; a7 grades a class, not functions
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


def grade(subs: str, out: str, *extra) -> tuple[float, list]:
    """Grade ``subs`` into ``out``; ``(seconds, gradebook.csv rows)``."""
    bptutor = os.path.join(os.path.dirname(sys.executable), "bptutor")
    t0 = time.perf_counter()
    proc = subprocess.run([bptutor, "grade", subs, "--out", out, *extra], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bptutor grade failed:\n{proc.stdout}{proc.stderr}")
    with open(os.path.join(out, "gradebook.csv"), newline="") as fh:
        return elapsed, list(csv.DictReader(fh))


def disagreeing(rows, expected) -> list:
    return [r["submission"] for r in rows if (r["total"] == r["max"]) != expected[os.path.basename(r["submission"])]]


def on_dask(subs: str, out: str, key_from: str, workers: int) -> float:
    """Grade on a local Dask cluster of ``workers`` processes, with the key of ``key_from``; the seconds."""
    from distributed import LocalCluster
    os.makedirs(os.path.join(out, ".bptutor-grade"), mode=0o700)
    shutil.copy2(os.path.join(key_from, ".bptutor-grade", "key"), os.path.join(out, ".bptutor-grade", "key"))
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        elapsed, _ = grade(subs, out, "--dask", cluster.scheduler_address)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dask", action="store_true",
                        help="also grade on a local Dask cluster of --jobs workers and compare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subs, out = os.path.join(tmp, "submitted"), os.path.join(tmp, "out")
        os.mkdir(subs)
        expected = make_class(subs, args.n)
        elapsed, rows = grade(subs, out, "--jobs", str(args.jobs))
        wrong = disagreeing(rows, expected)
        print(f"graded {len(rows)} submissions (a1-a5) with --jobs {args.jobs} in {elapsed:.2f} s "
              f"(including worker start-up): {len(rows) / elapsed:.1f} submissions/second")
        print(f"gradebook rows that disagree with the intended result: {len(wrong)} {wrong[:5]}")
        if args.dask:
            out_dask = os.path.join(tmp, "out-dask")
            seconds = on_dask(subs, out_dask, out, args.jobs)
            same = all(open(os.path.join(out, n), "rb").read() == open(os.path.join(out_dask, n), "rb").read()
                       for n in ("gradebook.json", "gradebook.csv"))
            print(f"\n| pool | workers | seconds | submissions/second |\n| --- | --- | --- | --- |\n"
                  f"| local (--jobs {args.jobs}) | {args.jobs} threads, one sandbox each | {elapsed:.2f} | "
                  f"{len(rows) / elapsed:.1f} |\n"
                  f"| Dask LocalCluster (--dask) | {args.jobs} processes, one sandbox each | {seconds:.2f} | "
                  f"{len(rows) / seconds:.1f} |")
            print("(Dask: the client's connection and the workers' checks included, the cluster's own start "
                  f"not); the two gradebooks are {'the same bytes' if same else 'DIFFERENT'}")
            wrong += [] if same else ["the Dask gradebook differs"]
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
