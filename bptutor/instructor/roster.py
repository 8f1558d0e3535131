"""The class roster: which student handed in which notebook, and who they are in the LMS.

A roster is a CSV file with a header row and the columns

- ``submission`` (required): the name a student's notebooks go by -- a file name as handed in
  (``alice_a3.ipynb``), its stem (``alice_a3``), or the student name the grader derives from the
  file or folder name (``alice`` for ``alice_a3.ipynb`` and for ``alice/a3.ipynb``);
- ``id`` (required): the student's identifier in the LMS;
- ``name`` (required): the student's name;
- ``section``, ``email``, ``extension_hours`` (optional; the last is a number of hours, read by the
  deadline logic).

Column names are matched without regard to case or surrounding spaces; other columns are ignored. A
student handing in one file per assignment may be listed once per file (same id, same name). Rows
are kept in roster order, which is the order of the exported gradebook.

:class:`RosterError` names the file and the line for: a missing file or column, no students, an
empty id or submission, one id given to two different students, one submission claimed by two
students, a bad ``extension_hours``.
"""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass

REQUIRED = ("submission", "id", "name")
OPTIONAL = ("section", "email", "extension_hours")


class RosterError(ValueError):
    """A roster that cannot be used as it is."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    section: str = ""
    email: str = ""
    extension_hours: float | None = None
    line: int = 0  # first line of the roster that lists this student

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}".strip()


class Roster:
    """Students in roster order, and the submission names that point to each."""

    def __init__(self, path: str, students: list, keys: dict):
        self.path = path
        self.students = students
        self._keys = keys  # submission name -> Student

    def __len__(self) -> int:
        return len(self.students)

    def match(self, row):
        """The student a gradebook row belongs to, or ``None``.

        Tried in turn: the submission path as given, its file name, the file name without its
        extension, the student name the grader derived.
        """
        path = row.submission.replace("\\", "/")
        for key in (path, row.file, os.path.splitext(row.file)[0], row.student):
            student = self._keys.get(key)
            if student is not None:
                return student
        return None


def _hours(where: str, text: str):
    if not text:
        return None
    try:
        hours = float(text)
    except ValueError:
        raise RosterError(f"{where}: extension_hours must be a number of hours, got {text!r}") from None
    if not math.isfinite(hours) or hours < 0:
        raise RosterError(f"{where}: extension_hours must be zero or more, got {text!r}")
    return hours


def read_roster(path: str) -> Roster:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.reader(fh))
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file") from None
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise RosterError(f"{path}: not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror})") from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise RosterError(f"{path}: empty; a roster needs a header row with {', '.join(REQUIRED)} "
                          "and one row per student")
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"(found: {', '.join(h for h in header if h) or 'nothing'}); "
                          f"a roster needs {', '.join(REQUIRED)}, and may have {', '.join(OPTIONAL)}")
    column = {name: header.index(name) for name in REQUIRED + OPTIONAL if name in header}
    by_id, keys, order = {}, {}, []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line

        def cell(name, cells=cells):
            i = column.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        where = f"{path}, line {number}"
        for name in ("id", "submission"):
            if not cell(name):
                raise RosterError(f"{where}: the {name} is empty")
        student = Student(id=cell("id"), name=cell("name"), section=cell("section"), email=cell("email"),
                          extension_hours=_hours(where, cell("extension_hours")), line=number)
        known = by_id.get(student.id)
        if known is None:
            by_id[student.id] = student
            order.append(student)
        elif (known.name, known.section, known.email, known.extension_hours) != (
                student.name, student.section, student.email, student.extension_hours):
            raise RosterError(f"{where}: duplicate id {student.id!r}: line {known.line} gives it to "
                              f"{known.name!r}, this line to {student.name!r} (or a different section, email "
                              f"or extension); each student needs their own id")
        owner = keys.get(cell("submission"))
        if owner is not None and owner.id != student.id:
            raise RosterError(f"{where}: submission {cell('submission')!r} is already listed for "
                              f"{owner.label!r} (line {owner.line})")
        keys[cell("submission")] = by_id[student.id]
    if not order:
        raise RosterError(f"{path}: lists no students (only a header row)")
    return Roster(path, order, keys)
