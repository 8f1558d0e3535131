"""The adversarial corpus, graded in one batch: every case must produce its expected row.

One ``bptutor grade --timeout 2`` run over all of ``tests/helpers/grading_corpus`` -- the classic
failures (loops, memory bombs, exits, crashes, broken files) and a determined student's attacks
(forging, reading what is not theirs, harming others) next to honest submissions, which must
keep full marks -- then one test per case, so a failure names the case. The same corpus is
graded again as an ordinary user when the tests run as root, and once more to resume.
"""
from __future__ import annotations

import csv
import os
import sys
import tempfile

import pytest
from helpers import grading_corpus
from helpers.corpus_run import can_run_as_user, cgroups_writable, grade_corpus, judge_case, processes_named

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="the sandbox needs Linux")]

_CONTEXT = grading_corpus.Context("/out", "/subs", "/pkg", "/site")
CASE_NAMES = [c.name for c in grading_corpus.all_cases(_CONTEXT)]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("corpus"))
    cases, subs, rows, seconds, code, stderr = grade_corpus(tmp)
    return {"cases": {c.name: c for c in cases}, "subs": subs, "rows": rows, "code": code, "stderr": stderr,
            "out": os.path.join(tmp, "out"), "tmp": tmp, "cgroups": cgroups_writable()}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_produces_its_row(graded, name):
    case = graded["cases"][name]
    assert judge_case(case, graded["subs"], graded["rows"], graded["cgroups"]) == []


def test_grading_exits_zero_whatever_the_students_did(graded):
    assert graded["code"] == 0, graded["stderr"][-2000:]


def test_every_file_gets_exactly_one_row(graded):
    expected = [p for c in graded["cases"].values() for p in grading_corpus.expected_rows(c, graded["subs"])]
    assert sorted(graded["rows"]) == sorted(expected)


def test_no_process_and_no_file_is_left_behind(graded):
    from helpers.grading_corpus.attacks import DAEMON_COMM, MARKER
    assert processes_named(DAEMON_COMM) == []
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", graded["tmp"], os.path.expanduser("~")):
        assert not os.path.exists(os.path.join(folder, MARKER)), folder


def test_forged_gradebook_and_records_are_not_written(graded):
    with open(os.path.join(graded["out"], "gradebook.csv"), encoding="utf-8") as fh:
        text = fh.read()
    assert "forge_records_a3.ipynb,a3,4,6,10,10" not in text
    assert not os.path.exists(os.path.join(graded["out"], ".bptutor-grade", "records", "x.json"))
    assert not os.path.exists(os.path.join(graded["subs"], "fake.ipynb"))


def test_output_files_are_private(graded):
    for name in ("gradebook.csv", "gradebook.json"):
        assert os.stat(os.path.join(graded["out"], name)).st_mode & 0o077 == 0
    records = os.path.join(graded["out"], ".bptutor-grade", "records")
    assert os.stat(records).st_mode & 0o077 == 0
    assert all(os.stat(os.path.join(records, n)).st_mode & 0o077 == 0 for n in os.listdir(records))


def test_a_formula_in_a_file_name_is_not_a_formula_in_the_csv(graded):
    with open(os.path.join(graded["out"], "gradebook.csv"), encoding="utf-8", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert not [c for c in cells if c[:1] in "=+-@" and c[:1]]
    assert any(c.startswith("'=2+3+cmd") or "=2+3+cmd" in c for c in cells)


def test_student_text_stays_inside_its_code_block(graded):
    with open(os.path.join(graded["out"], "feedback", "markdown_injection_a3.md"), encoding="utf-8") as fh:
        text = fh.read()
    assert "\n## Score: 10 / 10" in text and "\n`````text\n" in text
    outside = text.split("`````text\n")[0]
    assert "Score: 10 / 10" not in outside.replace("**", "")


def test_feedback_names_the_reason(graded):
    with open(os.path.join(graded["out"], "feedback", "loop_fn_a3.md"), encoding="utf-8") as fh:
        text = fh.read()
    # 2 s of CPU time, or 1.5 * 2 + 3 s of wall clock when the machine is too busy to give it 2 s of CPU
    assert ("timed out after 2 s of CPU time" in text or "timed out after 6 s (wall clock)" in text)
    assert "| `backprop` | 6 / 6 | passed |" in text
    with open(os.path.join(graded["out"], "feedback", "loop_top_a3.md"), encoding="utf-8") as fh:
        text = fh.read()
    # the top-level loop is reported with the cell number Jupyter shows (markdown cells count)
    assert ("cell 5: timeout -- timed out after 2 s of CPU time" in text
            or "cell 5: timeout -- timed out after 6 s (wall clock)" in text)


def test_same_student_name_gets_two_feedback_files(graded):
    names = sorted(os.listdir(os.path.join(graded["out"], "feedback")))
    bobs = [n for n in names if n.startswith("bob")]
    assert len(bobs) == 2 and "bob.md" in bobs


def test_resuming_reuses_every_row_and_a_tampered_record_is_graded_again(graded):
    import json
    import subprocess

    from helpers.corpus_run import grade_command
    records = os.path.join(graded["out"], ".bptutor-grade", "records")
    # a record that says full marks for a submission that did not score them: its signature no longer matches
    for name in sorted(os.listdir(records)):
        victim = os.path.join(records, name)
        with open(victim, encoding="utf-8") as fh:
            stored = json.load(fh)
        if not all(q["passed"] for q in stored["record"]["questions"]):
            break
    for q in stored["record"]["questions"]:
        q["score"], q["passed"] = q["max_score"], True
    with open(victim, "w", encoding="utf-8") as fh:
        json.dump(stored, fh)
    done = subprocess.run(grade_command(graded["subs"], graded["out"], 2.0, 2, False), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1 run," in done.stdout, done.stdout
    with open(os.path.join(graded["out"], "gradebook.json"), encoding="utf-8") as fh:
        again = {os.path.abspath(r["submission"]): r for r in json.load(fh)}
    for path, row in graded["rows"].items():
        assert again[path]["score"] == row["score"], path


@pytest.mark.skipif(not can_run_as_user(), reason="running as an ordinary user needs root to switch to one")
def test_as_an_ordinary_user_every_case_produces_its_row():
    tmp = tempfile.mkdtemp(prefix="bptutor-corpus-user-", dir="/tmp")
    try:
        cases, subs, rows, seconds, code, stderr = grade_corpus(tmp, as_user=True)
        assert code == 0, stderr[-3000:]
        problems = {c.name: judge_case(c, subs, rows, cgroups=False) for c in cases}
        assert {k: v for k, v in problems.items() if v} == {}
        from helpers.grading_corpus.attacks import DAEMON_COMM
        assert processes_named(DAEMON_COMM) == []
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
