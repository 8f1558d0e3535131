"""The roster: the columns it needs, the mistakes it refuses, and how it finds a submission's student."""
import pytest
from helpers.gradebooks import submission, write_gradebook, write_roster

from bptutor.instructor.gradebooks import load
from bptutor.instructor.roster import RosterError, read_roster


def roster_file(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("submission,id,name\n", "lists no students"),
    ("submission,name\nalice,Alice\n", "missing column id"),
    ("file,student\nalice,1\n", "missing columns submission, id, name"),
    ("submission,id,name\nalice,1001,Alice\nbob,1001,Bob\n", "line 3: duplicate id '1001'"),
    ("submission,id,name\nalice,1001,Alice\nalice,1002,Alicia\n", "submission 'alice' is already listed"),
    ("submission,id,name\nalice,,Alice\n", "line 2: the id is empty"),
    ("submission,id,name\n,1001,Alice\n", "line 2: the submission is empty"),
    ("submission,id,name,extension_hours\nalice,1001,Alice,two days\n", "extension_hours must be a number"),
    ("submission,id,name,extension_hours\nalice,1001,Alice,-3\n", "extension_hours must be zero or more"),
])
def test_a_bad_roster_is_refused_with_the_file_and_the_line(tmp_path, text, message):
    path = roster_file(tmp_path, text)
    with pytest.raises(RosterError) as error:
        read_roster(str(path))
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_missing_roster_is_named():
    with pytest.raises(RosterError, match="no such roster file"):
        read_roster("/nonexistent/roster.csv")


def test_headers_are_matched_loosely_and_excel_bom_and_extra_columns_are_fine(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufeff Name ,ID,Submission,Notes,Extension_Hours\r\nAlice Martin,1001,alice,x,12.5\r\n"
                     "\r\nBob Chen,1002,bob,,\r\n".encode())
    roster = read_roster(str(path))
    assert [(s.id, s.name, s.extension_hours) for s in roster.students] == [
        ("1001", "Alice Martin", 12.5), ("1002", "Bob Chen", None)]


def test_a_student_listed_once_per_file_is_one_student(tmp_path):
    path = write_roster(tmp_path / "roster.csv", [
        {"submission": "alice_a2.ipynb", "id": "1001", "name": "Alice"},
        {"submission": "alice_a3.ipynb", "id": "1001", "name": "Alice"},
        {"submission": "bob", "id": "1002", "name": "Bob"}])
    roster = read_roster(str(path))
    assert [s.id for s in roster.students] == ["1001", "1002"]


def test_a_submission_is_found_by_path_file_name_stem_or_student(tmp_path):
    write_roster(tmp_path / "roster.csv", [
        {"submission": "submitted/carol_a3.ipynb", "id": "1", "name": "by path"},
        {"submission": "dave_a3.ipynb", "id": "2", "name": "by file name"},
        {"submission": "erin_a3", "id": "3", "name": "by stem"},
        {"submission": "heidi", "id": "4", "name": "by student (folder)"}])
    write_gradebook(tmp_path / "g", [
        submission("submitted/carol_a3.ipynb", "a3"), submission("elsewhere/dave_a3.ipynb", "a3"),
        submission("submitted/erin_a3.ipynb", "a3"), submission("submitted/heidi/a3.ipynb", "a3", student="heidi"),
        submission("submitted/mallory_a3.ipynb", "a3"), submission("other/carol_a3.ipynb", "a3", student="x")])
    roster = read_roster(str(tmp_path / "roster.csv"))
    found = [roster.match(r) for r in load([str(tmp_path / "g")])]
    assert [s.name if s else None for s in found] == [
        "by path", "by file name", "by stem", "by student (folder)", None, None]
