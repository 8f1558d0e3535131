"""Time ``bptutor export`` and ``bptutor report`` on a large class.

    .venv/bin/python benchmarks/instructor_tools.py [--rows 10000]

Writes a random gradebook of ``--rows`` submissions over a1-a6 (``helpers.gradebooks.
synthetic_class``: failed questions with named mistakes, invalid notebooks, resubmissions, late
work) and its roster, then runs each command as an instructor would, in a fresh process
(``python -m bptutor ...``), and prints the wall time of each and the size of what it wrote.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]  # a script: the test helpers are not installed

from helpers.gradebooks import synthetic_class, write_gradebook, write_roster  # noqa: E402


def timed(argv) -> tuple:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bptutor", *argv], capture_output=True, text=True,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows, roster = synthetic_class(args.rows)
        write_gradebook(tmp / "grades", rows)
        write_roster(tmp / "roster.csv", roster)
        size = (tmp / "grades" / "gradebook.json").stat().st_size
        print(f"{len(rows)} rows, {len(roster)} roster students, gradebook.json {size / 2**20:.1f} MiB\n")
        print(f"{'command':<34} {'seconds':>8} {'output':>10}  exit")
        failures = 0
        jobs = [(f"export --format {fmt}", ["export", "--format", fmt, str(tmp / "grades"),
                                             "--roster", str(tmp / "roster.csv"), "--out", str(tmp / f"{fmt}.csv")],
                 tmp / f"{fmt}.csv") for fmt in ("canvas", "moodle", "csv")]
        jobs += [("report", ["report", str(tmp / "grades"), "--out", str(tmp / "report.html")], tmp / "report.html"),
                 ("report --roster", ["report", str(tmp / "grades"), "--roster", str(tmp / "roster.csv"),
                                      "--out", str(tmp / "report-roster.html")], tmp / "report-roster.html")]
        for name, argv, out in jobs:
            seconds, done = timed(argv)
            written = f"{out.stat().st_size / 1024:.0f} KiB" if out.exists() else "-"
            print(f"{name:<34} {seconds:8.2f} {written:>10}  {done.returncode}")
            if done.returncode != 0:
                failures += 1
                print(done.stderr[-2000:])
        seconds, _ = timed(["--help"])
        print(f"{'(bptutor --help: start-up alone)':<34} {seconds:8.2f}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
