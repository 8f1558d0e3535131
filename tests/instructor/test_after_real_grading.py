"""Export and report on a gradebook a real ``bptutor grade`` run wrote: the named mistakes reach the report."""
from __future__ import annotations

import csv
import sys

import pytest
from helpers.grading_corpus import BACKPROP, HIDDEN_DELTA, IMPORTS, honest_a3
from helpers.notebooks import notebook, write_notebook

from bptutor.cli import main

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="grading needs Linux")


def test_a_graded_class_exports_and_reports_its_mistakes(tmp_path):
    subs = tmp_path / "submitted"
    write_notebook(subs, "ann_a3.ipynb", notebook(honest_a3()))
    no_derivative = "def hidden_delta(delta_next, W_next, a):\n    return delta_next @ W_next.T"
    write_notebook(subs, "ben_a3.ipynb", notebook([IMPORTS, no_derivative, BACKPROP]))
    write_notebook(subs, "cat_a3.ipynb", notebook([IMPORTS, no_derivative, BACKPROP]))
    write_notebook(subs, "dan_a3.ipynb", notebook([IMPORTS, HIDDEN_DELTA]))
    (tmp_path / "roster.csv").write_text("submission,id,name\nann_a3.ipynb,1,Ann\nben_a3.ipynb,2,Ben\n"
                                         "cat_a3.ipynb,3,Cat\ndan_a3.ipynb,4,Dan\neve_a3.ipynb,5,Eve\n")
    grades = tmp_path / "grades"
    assert main(["grade", str(subs), "--out", str(grades), "--jobs", "2"]) == 0
    out = tmp_path / "canvas.csv"
    assert main(["export", "--format", "canvas", str(grades), "--roster", str(tmp_path / "roster.csv"),
                 "--out", str(out)]) == 0
    rows = {r["Student"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    column = next(c for c in rows["Ann"] if c.startswith("a3"))
    assert [rows[n][column] for n in ("Ann", "Ben", "Cat", "Dan", "Eve")] == ["10", "6", "6", "4", ""]
    report = tmp_path / "report.html"
    assert main(["report", str(grades), "--out", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "missing activation derivative" in page  # the mistake two students made, by its title
