"""``bptutor export``: the files Canvas and Moodle import, read back with the csv module.

Expected grades come from the fixture's own oracle (``helpers.gradebooks.counted_rows``: owner by
the roster, latest by time), not from the exporter. Canvas's header rule is transcribed from canvas-lms
(``GradebookImporter#header?``, ``#update_column_count``; ``Assignment.title_and_id``).
"""
import csv
import os
import re

import pytest
from helpers.gradebooks import FORMULA_NAME, ROSTER, counted_rows, write_gradebook

from bptutor.assignments import ASSIGNMENTS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CANVAS_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")  # Assignment.title_and_id in canvas-lms


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def expected_grades(rows):
    """``{(roster id, assignment): score}`` from the fixture's own oracle."""
    return {key: row["score"] for key, row in counted_rows(rows).items()}


def canvas_accepts_header(row):
    """Canvas's own test of a header row (no LastName/FirstName split, no custom columns)."""
    if not (len(row) > 3 and "Student" in row[0] and "ID" in row[1]):
        return False
    columns = 3
    if re.search(r"SIS\s+Login\s+ID", row[2]):
        columns += 1
    elif re.search(r"SIS\s+User\s+ID", row[2]) and re.search(r"SIS\s+Login\s+ID", row[3]):
        columns += 2 + (1 if re.search(r"Integration\s+ID", row[4]) else 0)
    return "Section" in row[columns - 1]


def assignment_headers(ids=("a2", "a3", "a4")):
    return [f"{a}: {ASSIGNMENTS[a].title}" for a in ids]


@pytest.fixture
def export(bptutor, class_files, tmp_path):
    def run(fmt, *extra):
        out = tmp_path / f"{fmt}.csv"
        result = bptutor("export", "--format", fmt, *class_files.grades, "--roster", class_files.roster,
                         "--out", out, *extra)
        return result, (read_csv(out) if out.exists() else None)
    return run


def test_canvas_file_has_the_gradebook_import_header_points_and_one_row_per_roster_student(export, class_files):
    result, table = export("canvas")
    assert result.code == 0, result.err
    header, points, *students = table
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignment_headers()]
    assert canvas_accepts_header(header)
    assert not any(CANVAS_TITLE_AND_ID.match(h) for h in header[5:]), "no Canvas id was given"
    assert points == ["Points Possible", "", "", "", ""] + [str(ASSIGNMENTS[a].max_score) for a in ("a2", "a3", "a4")]
    assert [row[1] for row in students] == [s["id"] if not s["id"].startswith("+") else "'" + s["id"]
                                            for s in ROSTER]
    grades = expected_grades(class_files.rows)
    for s, row in zip(ROSTER, students):
        for assignment, cell in zip(("a2", "a3", "a4"), row[5:]):
            want = grades.get((s["id"], assignment))
            assert cell == ("" if want is None else f"{want:g}"), (s["name"], assignment)


def test_no_submission_is_an_empty_cell_never_a_zero_and_an_invalid_notebook_is_a_zero(export):
    _, canvas = export("canvas")
    _, plain = export("csv")
    _, moodle = export("moodle")
    by_name = {row[0]: row for row in canvas[2:]}
    assert by_name["Grace Hopper"][5:] == ["", "", ""]  # handed nothing in
    assert by_name["Dave Okafor"][5:] == ["", "0", ""]  # a3 was an invalid notebook: it was handed in
    assert {row[1]: row for row in plain[1:]}["Grace Hopper"][2:] == ["", "", "", ""]  # total too
    moodle_rows = {row[1]: row for row in moodle[1:]}
    assert moodle_rows["Grace Hopper"][-3:] == ["-", "-", "-"]  # Moodle's "no grade"; '' would become 0
    assert moodle_rows["Dave Okafor"][-3:] == ["-", "0", "-"]
    missing = sum(cell == "" for row in canvas[2:] for cell in row[5:])
    assert missing == sum(cell == "-" for row in moodle[1:] for cell in row[-3:]) == 10


def test_stderr_lists_missing_unknown_invalid_errored_and_resubmitted_work(export):
    result, table = export("canvas")
    lines = result.err.splitlines()
    assert "missing: 1007 Grace Hopper: no submission for a2, a3, a4" in lines
    assert "missing: 1004 Dave Okafor: no submission for a2, a4" in lines
    assert any(line.startswith("unknown file: submitted/mallory_a3.ipynb") for line in lines)
    assert any(line.startswith("unknown file: submitted/notes.txt") for line in lines)
    assert not any("mallory" in cell.lower() for row in table for cell in row)
    assert any(line.startswith("no assignment: submitted/alice_homework.ipynb (1001 Alice Martin)") for line in lines)
    assert any(line.startswith("invalid: 1004 Dave Okafor, a3: submitted/dave_a3.ipynb exported with 0/10: "
                               "invalid notebook") for line in lines)
    assert any(line.startswith("error: 1003 Carol Diaz, a4:") and "timed out" in line for line in lines)
    (several,) = [line for line in lines if line.startswith("several:")]
    assert "1002 Bob Chen, a3: 2 submissions" in several
    assert several.endswith("using resubmitted/bob_a3.ipynb, the latest by submitted_at")
    assert {row[0]: row for row in table[2:]}["Bob Chen"][6] == "10"
    assert lines[-1].startswith("wrote ") and "8 students, 3 assignments" in lines[-1]


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "csv"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(export, fmt):
    result, table = export(fmt)
    assert result.code == 0
    cells = [cell for row in table for cell in row]
    assert "'" + FORMULA_NAME in cells and "'+1006" in cells and FORMULA_NAME not in cells
    dangerous = [c for c in cells if c.startswith(FORMULA_STARTS) and c != "-"]
    assert not dangerous, dangerous
    if fmt != "csv":
        assert "'@sum(A1)" in cells  # the section


def test_moodle_file_has_a_mappable_identifier_and_prints_how_to_map_it(export):
    result, table = export("moodle")
    assert table[0] == ["ID number", "Full name", "Email address", "Section", *assignment_headers()]
    assert [row[0] for row in table[1:]][:3] == ["1001", "1002", "1003"]
    assert "'Map from' to 'ID number'" in result.err and "'Map to' to 'useridnumber'" in result.err
    result, table = export("moodle", "--id-field", "email")
    assert table[0][:2] == ["Email address", "Full name"] and "Email address" not in table[0][2:]
    assert "'useremail'" in result.err


def test_canvas_id_field_and_assignment_ids_put_identifiers_where_canvas_looks(export):
    result, table = export("canvas", "--id-field", "sis_user_id", "--assignment-id", "a3=48213")
    assert result.code == 0, result.err
    header, _, alice, *_ = table
    assert alice[:4] == ["Alice Martin", "", "1001", ""]
    assert canvas_accepts_header(header)
    assert CANVAS_TITLE_AND_ID.match(header[6]).groups() == (assignment_headers()[1], "48213")


def test_plain_csv_is_one_wide_table_with_a_total(export, class_files):
    _, table = export("csv")
    assert table[0] == ["student id", "name", *assignment_headers(), "total"]
    grades = expected_grades(class_files.rows)
    alice = table[1]
    assert alice[:2] == ["1001", "Alice Martin"]
    assert float(alice[-1]) == sum(grades[("1001", a)] for a in ("a2", "a3", "a4"))


@pytest.mark.parametrize("roster_text, message", [
    ("submission,id\nalice,1\n", "missing column name"),
    ("submission,id,name\nalice,1001,Alice\nbob,1001,Bob\n", "duplicate id '1001'"),
    ("", "empty"),
])
def test_a_bad_roster_exits_2_with_the_reason_and_writes_nothing(bptutor, class_files, tmp_path, roster_text,
                                                                 message):
    roster = tmp_path / "bad-roster.csv"
    roster.write_text(roster_text, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = bptutor("export", "--format", "canvas", *class_files.grades, "--roster", roster, "--out", out)
    assert result.code == 2 and message in result.err and str(roster) in result.err
    assert not out.exists()


def test_missing_corrupt_or_empty_gradebooks_and_unknown_formats_exit_2(bptutor, class_files, tmp_path):
    out = tmp_path / "out.csv"
    common = ("--roster", class_files.roster, "--out", out)
    missing = bptutor("export", "--format", "csv", tmp_path / "no-such-dir", *common)
    assert missing.code == 2 and "no-such-dir" in missing.err and "no gradebook" in missing.err
    (tmp_path / "corrupt").mkdir()
    (tmp_path / "corrupt" / "gradebook.json").write_text('[{"submission": ', encoding="utf-8")
    corrupt = bptutor("export", "--format", "csv", tmp_path / "corrupt", *common)
    assert corrupt.code == 2 and "corrupt" in corrupt.err and "not valid JSON" in corrupt.err
    write_gradebook(tmp_path / "empty", [])
    empty = bptutor("export", "--format", "csv", tmp_path / "empty", *common)
    assert empty.code == 2 and "nothing to export" in empty.err
    unknown = bptutor("export", "--format", "blackboard", *class_files.grades, *common)
    assert unknown.code == 2 and "invalid choice: 'blackboard'" in unknown.err
    wrong_field = bptutor("export", "--format", "canvas", "--id-field", "username", *class_files.grades, *common)
    assert wrong_field.code == 2 and "does not apply to canvas" in wrong_field.err
    bad_id = bptutor("export", "--format", "canvas", "--assignment-id", "a3", *class_files.grades, *common)
    assert bad_id.code == 2 and "ASSIGNMENT=NUMBER" in bad_id.err
    assert not os.path.exists(out)
