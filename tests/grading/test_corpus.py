"""The adversarial corpus, graded in one batch: every case must produce its expected row.

One ``bptutor grade --timeout 2`` run over all of ``tests/helpers/grading_corpus`` (loops,
memory bombs, exits, crashes, monkeypatching, forged output and gradebooks,
reference calls, wrong signatures and types, mutation, broken files, shared
names, fork bombs); then one test per case, so a failure names the case.
Honest submissions in the same batch must get full marks.
"""
from __future__ import annotations

import os
import sys

import pytest
from helpers import grading_corpus
from helpers.corpus_run import grade_corpus, judge_case

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the grader's sandbox needs Linux")

CASE_NAMES = [c.name for c in grading_corpus.cases("/out", "/scratch")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("corpus"))
    cases, subs, by_path, seconds, code = grade_corpus(tmp)
    return {"cases": {c.name: c for c in cases}, "subs": subs, "rows": by_path, "code": code,
            "out": os.path.join(tmp, "out")}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_produces_its_row(graded, name):
    case = graded["cases"][name]
    assert judge_case(case, graded["subs"], graded["rows"]) == []


def test_grading_exits_zero_whatever_the_students_did(graded):
    assert graded["code"] == 0


def test_every_file_gets_exactly_one_row(graded):
    files = [os.path.join(graded["subs"], rel) for c in graded["cases"].values() for rel in c.files]
    assert sorted(graded["rows"]) == sorted(files)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return "State:\tZ" not in fh.read()
    except OSError:
        return False


def test_no_process_is_left_behind(graded):
    case = graded["cases"]["fork-bomb"]
    assert os.path.exists(case.pidfile), "the daemon in the fork-bomb case never started"
    with open(case.pidfile) as fh:
        pid = int(fh.read())
    assert not _alive(pid), f"the daemon {pid} started by a submission is still running"


def test_forged_gradebook_is_not_the_gradebook(graded):
    with open(os.path.join(graded["out"], "gradebook.csv")) as fh:
        text = fh.read()
    assert "fake_gradebook_a3.ipynb,a3,4,6,10,10" not in text
    if os.geteuid() == 0:  # as root the sandbox runs as another uid and cannot write here at all
        assert not os.path.exists(os.path.join(graded["out"], ".bptutor-grade", "x.json"))


def test_same_student_name_gets_two_feedback_files(graded):
    names = sorted(os.listdir(os.path.join(graded["out"], "feedback")))
    bobs = [n for n in names if n.startswith("bob")]
    assert len(bobs) == 2 and "bob.md" in bobs
    assert len(names) == len(graded["rows"])


def test_feedback_names_the_reason(graded):
    with open(os.path.join(graded["out"], "feedback", "loop_fn_a3.md"), encoding="utf-8") as fh:
        text = fh.read()
    # 2 s of CPU time, or 1.5 * 2 + 3 s of wall clock when the machine is too busy to give it 2 s of CPU
    assert ("timed out after 2 s of CPU time" in text or "timed out after 6 s (wall clock)" in text)
    assert "| `backprop` | 6 / 6 | passed |" in text
    with open(os.path.join(graded["out"], "feedback", "loop_top_a3.md"), encoding="utf-8") as fh:
        text = fh.read()
    # the top-level loop is reported with the cell number Jupyter shows (markdown cells count)
    assert ("- cell 5: timeout -- timed out after 2 s of CPU time" in text
            or "- cell 5: timeout -- timed out after 6 s (wall clock)" in text)
