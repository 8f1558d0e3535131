"""``bptutor report GRADES_DIR... --out report.html [--below 0.5] [--roster roster.csv]``.

One self-contained HTML file: inline CSS, figures as inline PNG (``data:`` URIs), no script and a
Content-Security-Policy that forbids any, so it opens offline, from a mail attachment or a course
drive. Per assignment: the score histogram and summary numbers; per question the pass rate and
what happened (failed, timed out, ...); per question the **named mistakes** students made, with
how many made each, as a table and a bar chart; the submissions that were invalid, errored or
had a function cut off, with the reason; the students below ``--below`` of the maximum; late work.

Every text from a gradebook or roster (names, file names, feedback) is HTML-escaped. The output
depends only on the input: rows are sorted, and there is no timestamp.

Exit status 0 when the report was written; 2 for a missing or corrupt gradebook, a bad roster,
a bad ``--below`` or a gradebook with no submissions.
"""
from __future__ import annotations

import sys
from html import escape

from . import stats as class_stats
from .gradebooks import GradebookError, format_score, load, mistake_title
from .roster import RosterError, read_roster

CHART_MISTAKES = 10  # bars per mistake chart; the table lists them all
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #4c72b0;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-top:1.6rem}h4{margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.4rem 0 1rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:.5rem 0}img{max-width:100%;height:auto}code{font-size:90%}
.note{color:#555}.bad{color:#a00}.empty{color:#777;font-style:italic}
nav ul{columns:2}
"""


def add_arguments(parser) -> None:
    parser.add_argument("grades", nargs="+", metavar="GRADES_DIR",
                        help="folders written by `bptutor grade --out` (or their gradebook.json files)")
    parser.add_argument("--out", required=True, metavar="HTML", help="the report to write")
    parser.add_argument("--below", type=float, default=0.5, metavar="FRACTION",
                        help="list the students scoring less than this fraction of the maximum (default 0.5)")
    parser.add_argument("--roster", metavar="CSV", default=None,
                        help="name students as the roster does, list who handed nothing in and files it does not know")


def _fail(message: str) -> int:
    print(f"bptutor report: error: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    from ..grading.gradebook import write_atomic

    if not 0 <= args.below <= 1:
        return _fail(f"--below {args.below:g}: give a fraction of the maximum between 0 and 1")
    try:
        roster = read_roster(args.roster) if args.roster else None
        rows = load(args.grades)
    except (GradebookError, RosterError) as exc:
        return _fail(str(exc))
    if not rows:
        return _fail(f"nothing to report: {', '.join(args.grades)} list no submissions "
                     "(was `bptutor grade` given any notebooks?)")
    page = render(class_stats.compute(rows, roster), args.grades, args.below, roster)
    try:
        write_atomic(args.out, page)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror}")
    print(f"wrote {args.out}: {len(rows)} submissions", file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------------- HTML pieces
def _cells(*cells) -> str:
    """``("text", "n:3", ...)``: a ``n:`` prefix right-aligns a number."""
    out = []
    for c in cells:
        if isinstance(c, str) and c.startswith("n:"):
            out.append(f'<td class="n">{escape(c[2:])}</td>')
        else:
            out.append(f"<td>{c}</td>")
    return "".join(out)


def _table(cls: str, headers, body_rows) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body_rows)}</tbody></table>'


def _img(image, alt: str) -> str:
    return (f'<figure><img src="{image.src}" width="{image.width}" height="{image.height}" '
            f'alt="{escape(alt)}"></figure>')


def _share(k: int, n: int) -> str:
    return f"{100 * k / n:.0f}% ({k} of {n})" if n else "—"


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _summary(a, below: float) -> str:
    items = [("submissions", "submissions (one per student)", str(a.submissions)),
             ("mean", "mean score", f"{a.mean:.2f} / {format_score(a.max_score)}"),
             ("median", "median score", f"{format_score(a.median)} / {format_score(a.max_score)}"),
             ("full-marks", "full marks", _share(a.full_marks, a.submissions)),
             ("below", f"below {below:.0%} of the maximum", _share(len(a.below(below)), a.submissions)),
             ("late", "late", _share(len(a.late()), a.submissions))]
    if a.rows_in_gradebooks != a.submissions:
        items.append(("rows", "rows in the gradebooks (with resubmissions)", str(a.rows_in_gradebooks)))
    body = "".join(f'<tr data-key="{key}"><th>{escape(name)}</th><td class="n">{escape(value)}</td></tr>'
                   for key, name, value in items)
    return f'<table class="summary"><tbody>{body}</tbody></table>'


def _status_text(q) -> str:
    parts = [f"{status} {n}" for status, n in sorted(q.statuses.items(), key=lambda i: (-i[1], i[0]))
             if status != "passed"]
    return ", ".join(parts) or "—"


def _questions(a) -> str:
    body = [f'<tr data-question="{escape(q.id)}"><td><code>{escape(q.id)}</code></td>'
            f'<td class="n" data-key="points">{format_score(q.points)}</td>'
            f'<td class="n" data-key="passed">{q.passed}</td>'
            f'<td class="n" data-key="pass-rate">{q.pass_rate:.0%}</td>'
            f'<td data-key="statuses">{escape(_status_text(q))}</td></tr>' for q in a.questions]
    return _table("questions", ["function", "points", "passed", "pass rate", "otherwise"], body)


def _mistakes(a) -> str:
    from .figures import mistake_bars

    parts = []
    for q in a.questions:
        ranked = class_stats.sorted_mistakes(q.mistakes)
        if not ranked:
            continue
        body = [f'<tr data-question="{escape(q.id)}" data-mistake="{escape(m)}"><td>{escape(mistake_title(m))}</td>'
                f'<td><code>{escape(m)}</code></td><td class="n" data-key="students">{n}</td>'
                f'<td class="n">{n / q.submissions:.0%}</td></tr>' for m, n in ranked]
        chart = mistake_bars([(mistake_title(m), n) for m, n in ranked[:CHART_MISTAKES]])
        more = len(ranked) - CHART_MISTAKES
        parts.append(f'<div class="question-mistakes" data-question="{escape(q.id)}">'
                     f"<h4><code>{escape(q.id)}</code></h4>"
                     + _table("mistakes", ["mistake", "id", "students", "share"], body)
                     + _img(chart, f"Named mistakes in {q.id}: " + ", ".join(f"{mistake_title(m)} {n}"
                                                                             for m, n in ranked[:CHART_MISTAKES]))
                     + (f'<p class="note">The chart shows the {CHART_MISTAKES} most frequent; {more} more are in '
                        "the table.</p>" if more > 0 else "")
                     + "</div>")
    return "".join(parts) or _empty("No named mistakes: every wrong answer was one the checks could not name.")


def _problems(a) -> str:
    found = a.problems()
    if not found:
        return _empty("None.")
    body = [f'<tr data-student="{escape(e.label)}"><td>{escape(e.label)}</td><td><code>{escape(e.row.submission)}'
            f'</code></td><td class="bad" data-key="kind">{escape(kind)}</td><td>{escape(reason)}</td></tr>'
            for e, kind, reason in found]
    return _table("problems", ["student", "submission", "what", "reason"], body)


def _below(a, below: float) -> str:
    found = a.below(below)
    if not found:
        return _empty("None.")
    body = [f'<tr data-student="{escape(e.label)}"><td>{escape(e.label)}</td>'
            f'<td class="n" data-key="score">{format_score(e.row.score)} / {format_score(a.max_score)}</td>'
            f"<td>{escape(e.row.status)}</td></tr>" for e in found]
    return _table("below", ["student", "score", "status"], body)


def _late(a) -> str:
    found = a.late()
    if not found:
        return _empty("No late submission." if any(e.row.submitted_at for e in a.entries)
                      else "The gradebook records no submission times.")
    body = [f'<tr data-student="{escape(e.label)}"><td>{escape(e.label)}</td>'
            f'<td class="n" data-key="late">{escape(class_stats.lateness(e.row.late_seconds))}</td>'
            f"<td>{escape(e.row.submitted_at.isoformat() if e.row.submitted_at else '—')}</td></tr>"
            for e in found]
    return _table("late", ["student", "late by", "submitted at"], body)


def _assignment(a, below: float, roster) -> str:
    from .figures import score_histogram

    hist = score_histogram(a.scores, a.max_score, below * a.max_score)
    parts = [f'<section class="assignment" id="{escape(_anchor(a.id))}" data-assignment="{escape(a.id)}">',
             f"<h2>{escape(a.id)}: {escape(a.title)}</h2>", _summary(a, below),
             _img(hist, f"Histogram of the {a.id} scores out of {format_score(a.max_score)}"),
             "<h3>Functions</h3>", _questions(a),
             "<h3>Named mistakes</h3>",
             '<p class="note">What the checks recognised in wrong answers, per function: how many students '
             "made each mistake.</p>", _mistakes(a),
             "<h3>Invalid, errored or cut-off submissions</h3>", _problems(a),
             f"<h3>Below {below:.0%} of the maximum</h3>", _below(a, below),
             "<h3>Late</h3>", _late(a)]
    if a.several:
        parts += ["<h3>Several submissions</h3>", "<ul class=\"several\">",
                  *(f"<li>{escape(line)}</li>" for line in a.several), "</ul>"]
    if roster is not None:
        parts += ["<h3>No submission</h3>",
                  ("<ul class=\"missing\">" + "".join(f"<li>{escape(x)}</li>" for x in a.missing) + "</ul>")
                  if a.missing else _empty("Everyone on the roster handed something in.")]
    return "".join(parts) + "</section>"


def _anchor(assignment_id: str) -> str:
    return "assignment-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in assignment_id)


def _overview(cs, below: float) -> str:
    body = [f'<tr data-assignment="{escape(a.id)}"><td><a href="#{escape(_anchor(a.id))}">{escape(a.id)}</a></td>'
            f"<td>{escape(a.title)}</td>"
            + _cells(f"n:{a.submissions}", f"n:{a.mean:.2f}", f"n:{format_score(a.max_score)}",
                     f"n:{_share(a.full_marks, a.submissions)}", f"n:{len(a.below(below))}",
                     f"n:{len(a.problems())}")
            + "</tr>" for a in cs.assignments]
    return _table("overview", ["assignment", "title", "submissions", "mean", "max", "full marks",
                               f"below {below:.0%}", "problems"], body)


def _leftovers(cs) -> str:
    parts = []
    if cs.unassigned:
        body = [f"<tr><td>{escape(e.label)}</td><td><code>{escape(e.row.submission)}</code></td>"
                f"<td>{escape(e.row.error or 'no reason given')}</td></tr>"
                for e in sorted(cs.unassigned, key=lambda e: (e.label, e.row.submission))]
        parts += ['<section id="unassigned"><h2>Submissions without an assignment</h2>',
                  '<p class="note">The grader could not tell which assignment these are.</p>',
                  _table("unassigned", ["student", "submission", "reason"], body), "</section>"]
    if cs.unknown:
        body = [f"<tr><td><code>{escape(r.submission)}</code></td><td>{escape(r.assignment or '—')}</td>"
                f"<td class=\"n\">{format_score(r.score)} / {format_score(r.max_score)}</td></tr>"
                for r in sorted(cs.unknown, key=lambda r: (r.submission, r.assignment or ""))]
        parts += ['<section id="unknown-files"><h2>Files the roster does not name</h2>',
                  '<p class="note">Not counted above: add them to the roster to include them.</p>',
                  _table("unknown", ["submission", "assignment", "score"], body), "</section>"]
    return "".join(parts)


def render(cs, sources, below: float, roster=None) -> str:
    """The whole page. ``cs``: :class:`~bptutor.instructor.stats.ClassStats`."""
    origin = ", ".join(f"<code>{escape(s)}</code>" for s in sources)
    roster_note = (f" Students are named by the roster <code>{escape(roster.path)}</code> ({len(roster)} students)."
                   if roster is not None else "")
    nav = "".join(f'<li><a href="#{escape(_anchor(a.id))}">{escape(a.id)}: {escape(a.title)}</a></li>'
                  for a in cs.assignments)
    body = "".join(_assignment(a, below, roster) for a in cs.assignments)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Class report</title><style>{CSS}</style></head><body>"
            f"<header><h1>Class report</h1><p class=\"note\">{cs.total_rows} submissions from {origin}.{roster_note} "
            "Each student counts once per assignment: the latest submission by time (else the last one given). "
            "Invalid notebooks count as 0.</p></header>"
            + (_overview(cs, below) + f"<nav><ul>{nav}</ul></nav>" if cs.assignments
               else _empty("No submission could be matched to a student and an assignment."))
            + body + _leftovers(cs)
            + "<footer><p class=\"note\">Written by <code>bptutor report</code>. Named mistakes come from the "
            "course's checks, which compare a wrong answer with models of the usual mistakes.</p></footer>"
            "</body></html>\n")
