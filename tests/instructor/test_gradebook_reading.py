"""Reading gradebook.json defensively: what is required, what defaults, and errors that name the file."""
import json
from datetime import datetime, timezone

import pytest
from helpers.gradebooks import submission, write_gradebook

from bptutor.instructor.gradebooks import (
    GradebookError,
    choose_latest,
    format_score,
    load,
    printable,
)


def write_json(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gradebook.json").write_text(text, encoding="utf-8")
    return folder


def test_rows_of_the_documented_shape_load_with_every_field(tmp_path):
    row = submission("submitted/alice_a3.ipynb", "a3", {"hidden_delta": ("failed", "transpose")},
                     submitted_at="2026-11-30T23:12:05Z", late_seconds=3600, extra={"new_key": [1, 2]})
    write_gradebook(tmp_path, [row])
    (loaded,) = load([str(tmp_path)])
    assert (loaded.student, loaded.assignment, loaded.file) == ("alice", "a3", "alice_a3.ipynb")
    assert (loaded.score, loaded.max_score, loaded.status, loaded.late_seconds) == (6, 10, "graded", 3600)
    assert loaded.submitted_at == datetime(2026, 11, 30, 23, 12, 5, tzinfo=timezone.utc)
    assert [(q.id, q.passed, q.status, q.mistake) for q in loaded.questions] == [
        ("hidden_delta", False, "failed", "transpose"), ("backprop", True, "passed", None)]
    assert load([str(tmp_path / "gradebook.json")]) == [loaded]  # the file itself may be given


def test_a_gradebook_of_the_current_grader_loads_with_defaults(tmp_path):
    """Only the keys COURSE.md promises today: student from the file name, status from error, no time."""
    rows = [{"submission": "s/bob_a2.ipynb", "assignment": "a2", "score": 3, "max_score": 9, "error": None,
             "questions": [{"id": "sigmoid", "score": 2, "max_score": 2, "passed": True, "feedback": "ok"}]},
            {"submission": "s/x.txt", "assignment": None, "score": 0, "max_score": 0,
             "error": "not a notebook", "questions": []},
            {"submission": "s/heidi/a4_matrix_form.ipynb", "assignment": "a4", "score": 0, "max_score": 10,
             "error": "the notebook timed out",
             "questions": [{"id": "dense_forward", "score": 0, "max_score": 1, "passed": False, "feedback": ""}]}]
    write_json(tmp_path, json.dumps(rows))
    bob, x, heidi = load([str(tmp_path)])
    assert (bob.student, bob.status, bob.submitted_at, bob.late_seconds) == ("bob", "graded", None, 0)
    assert (bob.questions[0].status, bob.questions[0].mistake) == ("passed", None)
    assert (x.assignment, x.status, x.error) == (None, "invalid", "not a notebook")  # nothing could be judged
    assert (heidi.student, heidi.status, heidi.questions[0].status) == ("heidi", "error", "failed")


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"rows": []}', "expected a list of rows"),
    ('[{"submission": "a.ipynb", "assignment": "a3", "max_score": 10, "questions": []}]',
     "row 1 (a.ipynb): missing required key 'score'"),
    ('[{"submission": "a.ipynb", "assignment": "a3", "score": "4", "max_score": 10, "questions": []}]',
     "'score' must be a number"),
    ('[{"submission": "a.ipynb", "assignment": "a3", "score": 4, "max_score": 10, "questions": [],'
     ' "status": "great"}]', "'status' must be one of graded, error, invalid"),
    ('[{"submission": "a.ipynb", "assignment": "a3", "score": 4, "max_score": 10, "questions": [],'
     ' "submitted_at": "yesterday"}]', "not an ISO 8601 time"),
    ('[{"submission": "a.ipynb", "assignment": "a3", "score": 4, "max_score": 10,'
     ' "questions": [{"id": "backprop", "score": 1, "max_score": 6}]}]', "question 1: missing required key 'passed'"),
    ('[{"assignment": "a3", "score": 4, "max_score": 10, "questions": []}]', "missing required key 'submission'"),
])
def test_a_malformed_gradebook_is_refused_with_the_file_and_the_place(tmp_path, text, message):
    folder = write_json(tmp_path / "grades", text)
    with pytest.raises(GradebookError) as error:
        load([str(folder)])
    assert str(folder / "gradebook.json") in str(error.value)
    assert message in str(error.value)


def test_a_missing_gradebook_names_the_path_and_the_command_that_makes_it(tmp_path):
    with pytest.raises(GradebookError, match="no gradebook here.*bptutor grade"):
        load([str(tmp_path / "nowhere")])


def test_rows_of_several_gradebooks_keep_the_order_given(tmp_path):
    write_gradebook(tmp_path / "one", [submission("s/a_a2.ipynb", "a2")])
    write_gradebook(tmp_path / "two", [submission("s/b_a2.ipynb", "a2"), submission("s/c_a2.ipynb", "a2")])
    rows = load([str(tmp_path / "two"), str(tmp_path / "one")])
    assert [r.student for r in rows] == ["b", "c", "a"]
    assert rows[0].source.endswith("two/gradebook.json")


def _rows(tmp_path, *times):
    write_gradebook(tmp_path, [submission(f"run{i}/a_a2.ipynb", "a2", submitted_at=t) for i, t in enumerate(times)])
    return load([str(tmp_path)])


def test_the_latest_submission_counts_when_every_time_is_known(tmp_path):
    rows = _rows(tmp_path, "2026-11-02T10:00:00+00:00", "2026-11-03T09:00:00+01:00", "2026-11-01T00:00:00Z")
    chosen, reason = choose_latest(rows)
    assert chosen.submission == "run1/a_a2.ipynb" and "latest by submitted_at" in reason


def test_the_last_one_given_counts_when_a_time_is_unknown_and_the_reason_says_so(tmp_path):
    rows = _rows(tmp_path, "2026-11-05T10:00:00+00:00", None)
    chosen, reason = choose_latest(rows)
    assert chosen.submission == "run1/a_a2.ipynb" and "submitted_at is unknown" in reason
    assert choose_latest(rows[:1]) == (rows[0], None)


def test_scores_are_written_as_an_lms_shows_them():
    assert [format_score(x) for x in (4, 4.0, 3.33333, 0.5, 10, 0)] == ["4", "4", "3.33", "0.5", "10", "0"]


def test_control_characters_of_untrusted_names_do_not_reach_the_terminal():
    assert printable("eve\x1b[2J_a3.ipynb\n") == "eve\\x1b[2J_a3.ipynb\\n"
