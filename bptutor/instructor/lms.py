"""Grade tables in the import formats of Canvas and Moodle, and a plain wide CSV.

**Canvas** (Grades > Import, the Gradebook CSV): the header row is ``Student, ID, SIS User ID,
SIS Login ID, Section`` and then one column per assignment, written ``Title (Canvas assignment id)``
-- Canvas matches an assignment by that number, else by the exact title, else creates a new one.
Canvas's importer (``GradebookImporter`` in canvas-lms) requires the first two headers to be
``Student`` and ``ID`` and the last identity column to be ``Section``; a row whose first cell is
``Points Possible`` gives each assignment's maximum; a student is found by ``ID`` (the Canvas user
id), else ``SIS User ID``, else ``SIS Login ID``, else the name. A blank cell leaves the grade
alone ("no score").

**Moodle** (Grades > Import > CSV file): any header row; on the import page the teacher maps one
column to a user field ("Map from" a column, "Map to" ``userid``, ``useridnumber``, ``useremail``
or ``username``) and each other column to a grade item or a new grade item. Moodle's importer
(``gradeimport_csv_load_data``) reads ``-`` as "no grade" for both kinds of item, while an empty
cell for a *new* grade item is stored as ``''`` and its database layer turns ``''`` into 0 in a
numeric column -- so a missing grade is written ``-`` here, never left empty.

**csv**: ``student id, name``, one column per assignment, ``total`` (the sum of the grades present;
empty when there is none).

Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so that a spreadsheet does not run it as a formula (file and student names are
untrusted). Grades are numbers written by this module, never neutralised.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .gradebooks import format_score

FORMATS = ("canvas", "moodle", "csv")

#: per format: --id-field value -> header of the column that holds the roster's id
ID_FIELDS = {
    "canvas": {"id": "ID", "sis_user_id": "SIS User ID", "sis_login_id": "SIS Login ID"},
    "moodle": {"idnumber": "ID number", "username": "Username", "email": "Email address", "id": "User ID"},
    "csv": {"id": "student id"},
}
DEFAULT_ID_FIELD = {"canvas": "id", "moodle": "idnumber", "csv": "id"}
#: Moodle's "Map to" value for each --id-field
MOODLE_MAP_TO = {"idnumber": "useridnumber", "username": "username", "email": "useremail", "id": "userid"}

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_NO_GRADE = "-"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One assignment column: its id, title, maximum and (Canvas only) the LMS's own id."""

    assignment: str
    title: str
    points: float
    lms_id: str | None = None


def neutralise(text: str) -> str:
    """``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``: text a spreadsheet will not evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(column: Column, fmt: str) -> str:
    """``a3: Hidden layers``; for Canvas with a known assignment id, ``a3: Hidden layers (48213)``."""
    name = f"{column.assignment}: {column.title}" if column.title and column.title != column.assignment \
        else column.assignment
    if fmt == "canvas" and column.lms_id:
        name = f"{name} ({column.lms_id})"
    return name


def rows(fmt: str, students, columns, grades: dict, id_field: str) -> list:
    """The table as lists of cells, header first.

    ``students``: roster :class:`~bptutor.instructor.roster.Student` objects, in order;
    ``grades``: ``{(student id, assignment id): score}`` (absent = no submission).
    """
    id_header = ID_FIELDS[fmt][id_field]
    titles = [neutralise(header(c, fmt)) for c in columns]
    if fmt == "canvas":
        table = [list(CANVAS_IDENTITY) + titles,
                 [CANVAS_POINTS_ROW, "", "", "", ""] + [format_score(c.points) for c in columns]]
        for s in students:
            ids = {name: (s.id if name == id_header else "") for name in CANVAS_IDENTITY[1:4]}
            cells = [s.name, ids["ID"], ids["SIS User ID"], ids["SIS Login ID"], s.section]
            table.append([neutralise(x) for x in cells] + _grades(s, columns, grades, ""))
        return table
    if fmt == "moodle":
        extra = [("Email address", "email")] if id_field != "email" and any(s.email for s in students) else []
        extra += [("Section", "section")] if any(s.section for s in students) else []
        table = [[id_header, "Full name"] + [name for name, _ in extra] + titles]
        for s in students:
            cells = [s.id, s.name] + [getattr(s, attr) for _, attr in extra]
            table.append([neutralise(x) for x in cells] + _grades(s, columns, grades, MOODLE_NO_GRADE))
        return table
    if fmt == "csv":
        table = [[id_header, "name"] + titles + ["total"]]
        for s in students:
            present = [grades[(s.id, c.assignment)] for c in columns if (s.id, c.assignment) in grades]
            total = format_score(sum(present)) if present else ""
            table.append([neutralise(s.id), neutralise(s.name)] + _grades(s, columns, grades, "") + [total])
        return table
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _grades(student, columns, grades, missing: str) -> list:
    return [format_score(grades[(student.id, c.assignment)]) if (student.id, c.assignment) in grades else missing
            for c in columns]


def to_csv(table) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(table)  # RFC 4180: CRLF line ends, quotes where needed
    return buf.getvalue()


def moodle_instructions(id_field: str, columns) -> str:
    """How to map the columns on Moodle's import page (printed after a Moodle export)."""
    return (f"moodle: on Grades > Import > CSV file, set 'Map from' to '{ID_FIELDS['moodle'][id_field]}' and "
            f"'Map to' to '{MOODLE_MAP_TO[id_field]}'; map each of "
            + ", ".join(f"{header(c, 'moodle')!r} (out of {format_score(c.points)})" for c in columns)
            + " to its grade item, or to 'New grade item' and then set that item's maximum grade; "
              "a '-' means no submission")
