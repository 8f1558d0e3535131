"""``bptutor export --format canvas|moodle|csv GRADES_DIR... --roster roster.csv --out FILE``.

One row per roster student (roster order), one column per assignment in the gradebooks. What
could not be exported cleanly is listed on stderr, one line each:

- ``missing:`` a roster student with no submission for an assignment (the cell stays empty --
  ``-`` for Moodle, whose importer would store an empty cell of a new grade item as 0);
- ``unknown file:`` a submission the roster does not name (not exported);
- ``no assignment:`` a submission whose assignment the grader could not tell (not exported);
- ``invalid:`` / ``error:`` a submission exported with the score it got (an invalid notebook
  scores 0: it was handed in) and the grader's reason;
- ``several:`` more than one submission of a student for an assignment, which one counts and why
  (the latest by ``submitted_at``, else the last one given).

Exit status 0 when the file was written; 2, with the reason, for a bad roster, a missing or
corrupt gradebook, an unknown format or nothing to export.
"""
from __future__ import annotations

import sys

from . import lms
from .gradebooks import GradebookError, assignment_order, choose_latest, describe_choice, load, printable, registry
from .roster import RosterError, read_roster


def add_arguments(parser) -> None:
    parser.add_argument("grades", nargs="+", metavar="GRADES_DIR",
                        help="folders written by `bptutor grade --out` (or their gradebook.json files)")
    parser.add_argument("--format", required=True, choices=lms.FORMATS,
                        help="canvas: Canvas Gradebook import CSV; moodle: Moodle CSV grade import; "
                             "csv: a plain table (student id, name, one column per assignment, total)")
    parser.add_argument("--roster", required=True, metavar="CSV",
                        help="columns submission, id, name (optional: section, email, extension_hours)")
    parser.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    fields = sorted({f for per in lms.ID_FIELDS.values() for f in per})
    parser.add_argument("--id-field", choices=fields, default=None,
                        help="what the roster's id is in the LMS. canvas: id (Canvas user id, default), "
                             "sis_user_id, sis_login_id; moodle: idnumber (default), username, email, id")
    parser.add_argument("--assignment-id", action="append", default=[], metavar="ASSIGNMENT=LMS_ID",
                        help="canvas only: the Canvas id of an existing assignment, e.g. a3=48213 "
                             "(repeatable); without it Canvas matches the column by title or creates it")


def _fail(message: str) -> int:
    print(f"bptutor export: error: {message}", file=sys.stderr)
    return 2


def _lms_ids(pairs, fmt):
    ids = {}
    for pair in pairs:
        assignment, sep, lms_id = pair.partition("=")
        if not sep or not assignment.strip() or not lms_id.strip().isdigit():
            raise ValueError(f"--assignment-id {pair!r}: expected ASSIGNMENT=NUMBER, e.g. a3=48213")
        ids[assignment.strip()] = lms_id.strip()
    if ids and fmt != "canvas":
        raise ValueError("--assignment-id is for --format canvas (Moodle maps columns on its import page)")
    return ids


def columns_for(rows, lms_ids=None) -> list:
    """One :class:`~bptutor.instructor.lms.Column` per assignment present, registry order first."""
    known = registry()
    columns = []
    for aid in assignment_order(rows):
        graded = [r.max_score for r in rows if r.assignment == aid and r.max_score > 0]
        title, registry_max = known[aid][:2] if aid in known else (aid, 0)
        columns.append(lms.Column(aid, title, max(graded) if graded else registry_max, (lms_ids or {}).get(aid)))
    return columns


def collect(rows, roster):
    """``(grades, chosen, notes)`` for the roster's students.

    ``grades``: ``{(student id, assignment): score}``; ``chosen``: ``{(student id, assignment):
    row}``; ``notes``: ``{kind: [line, ...]}`` for stderr.
    """
    notes = {kind: [] for kind in ("unknown file", "no assignment", "several", "invalid", "error", "missing")}
    groups = {}
    for r in rows:
        student = roster.match(r)
        if student is None:
            notes["unknown file"].append(f"{r.submission} (in {r.source}; the roster {roster.path} does not "
                                         f"name it; not exported)")
        elif r.assignment is None:
            notes["no assignment"].append(f"{r.submission} ({student.label}): the grader could not tell the "
                                          f"assignment ({r.error or 'no reason given'}); not exported")
        else:
            groups.setdefault((student.id, r.assignment), []).append(r)
    grades, chosen = {}, {}
    for key, competing in groups.items():
        row, reason = choose_latest(competing)
        if reason:
            notes["several"].append(describe_choice(_label(roster, key[0]), key[1], competing, row, reason))
        grades[key], chosen[key] = row.score, row
    return grades, chosen, notes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _label(roster, student_id):
    return next(s.label for s in roster.students if s.id == student_id)


def _problem_notes(roster, columns, chosen, notes):
    for s in roster.students:
        absent = [c.assignment for c in columns if (s.id, c.assignment) not in chosen]
        if absent:
            notes["missing"].append(f"{s.label}: no submission for {', '.join(absent)}")
        for c in columns:
            row = chosen.get((s.id, c.assignment))
            if row is not None and row.status in ("invalid", "error"):
                notes[row.status].append(f"{s.label}, {c.assignment}: {row.submission} exported with "
                                         f"{row.score:g}/{row.max_score:g}: {row.error or 'no reason given'}")


def run(args) -> int:
    from ..grading.gradebook import write_atomic

    fmt = args.format
    if fmt not in lms.FORMATS:
        return _fail(f"unknown format {fmt!r}; choose one of {', '.join(lms.FORMATS)}")
    id_field = args.id_field or lms.DEFAULT_ID_FIELD[fmt]
    if id_field not in lms.ID_FIELDS[fmt]:
        return _fail(f"--id-field {id_field} does not apply to {fmt}; choose one of {', '.join(lms.ID_FIELDS[fmt])}")
    try:
        lms_ids = _lms_ids(args.assignment_id, fmt)
        roster = read_roster(args.roster)
        rows = load(args.grades)
    except (ValueError, GradebookError, RosterError) as exc:
        return _fail(str(exc))
    if not rows:
        return _fail(f"nothing to export: {', '.join(args.grades)} list no submissions")
    columns = columns_for(rows, lms_ids)
    if not columns:
        return _fail("nothing to export: no submission in the gradebooks has an assignment")
    unknown = sorted(set(lms_ids) - {c.assignment for c in columns})
    if unknown:
        return _fail(f"--assignment-id names {', '.join(unknown)}, which no gradebook row has")
    grades, chosen, notes = collect(rows, roster)
    _problem_notes(roster, columns, chosen, notes)
    table = lms.rows(fmt, roster.students, columns, grades, id_field)
    try:
        write_atomic(args.out, lms.to_csv(table))
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror}")
    for kind, lines in notes.items():
        for line in lines:
            print(printable(f"{kind}: {line}"), file=sys.stderr)
    empty = len(roster) * len(columns) - len(grades)
    print(f"wrote {args.out} ({fmt}): {_count(len(roster), 'student')}, {_count(len(columns), 'assignment')} "
          f"({', '.join(c.assignment for c in columns)}), {_count(len(grades), 'grade')}, {empty} without a submission",
          file=sys.stderr)
    if fmt == "moodle":
        print(lms.moodle_instructions(id_field, columns), file=sys.stderr)
    return 0

