"""``bptutor report``: the HTML parsed back with html.parser and checked against the fixture's own counts.

Every number is recomputed here from the fixture rows (owner by the roster, latest by time: the
oracle in ``helpers.gradebooks``), never read from ``bptutor.instructor``.
"""
import base64
import statistics
from collections import Counter
from html.parser import HTMLParser

import pytest
from helpers.gradebooks import HOSTILE_FEEDBACK, HOSTILE_NAME, ROSTER, counted_rows, submission, write_gradebook

from bptutor.assignments import ASSIGNMENTS
from bptutor.check.diagnose import MISTAKES

VOID = {"img", "meta", "br", "hr", "link", "input", "source", "wbr", "col", "area", "base", "embed", "track"}
PROBLEM_STATUSES = {"error", "timeout", "memory", "crashed"}
LABEL = {s["id"]: f"{s['id']} {s['name']}" for s in ROSTER}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, dict(attrs), parent, [], []

    def text(self):
        return "".join(p if isinstance(p, str) else p.text() for p in self.parts)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, tag=None, **attrs):
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [n for n in self.walk() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k) == v for k, v in wanted.items())]

    def one(self, tag=None, **attrs):
        (found,) = self.find(tag, **attrs)
        return found


class Tree(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#root", {})
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.node)
        self.node.children.append(node)
        self.node.parts.append(node)
        if tag not in VOID:
            self.node = node

    def handle_endtag(self, tag):
        node = self.node
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.parts.append(data)


@pytest.fixture
def report(bptutor, class_files, tmp_path):
    def run(*extra, roster=True):
        out = tmp_path / "report.html"
        result = bptutor("report", *class_files.grades, *(("--roster", class_files.roster) if roster else ()),
                         "--out", out, *extra)
        page = out.read_text(encoding="utf-8") if out.exists() else None
        return result, page, (Tree(page).root if page else None)
    return run


def by_assignment(counted):
    groups = {}
    for (owner, assignment), row in sorted(counted.items()):
        groups.setdefault(assignment, []).append((LABEL[owner], row))
    return groups


def cell(section, table_class, key):
    (table,) = section.find("table", **{"class": table_class})
    return table.one("tr", data_key=key).one("td").text()


def test_summary_numbers_match_the_gradebook(report, class_files):
    result, _, tree = report()
    assert result.code == 0, result.err
    groups = by_assignment(counted_rows(class_files.rows))
    assert [s.attrs["data-assignment"] for s in tree.find("section", **{"class": "assignment"})] == ["a2", "a3", "a4"]
    for assignment, entries in groups.items():
        section = tree.one("section", data_assignment=assignment)
        top = ASSIGNMENTS[assignment].max_score
        scores = [row["score"] for _, row in entries]
        assert cell(section, "summary", "submissions") == str(len(entries))
        assert cell(section, "summary", "mean") == f"{statistics.fmean(scores):.2f} / {top}"
        assert cell(section, "summary", "median") == f"{statistics.median(scores):g} / {top}"
        full = sum(s == top for s in scores)
        assert cell(section, "summary", "full-marks") == f"{100 * full / len(scores):.0f}% ({full} of {len(scores)})"
    assert cell(tree.one("section", data_assignment="a3"), "summary", "rows") == "7"  # bob handed a3 in twice


def test_pass_rates_per_question_match_the_gradebook(report, class_files):
    _, _, tree = report()
    for assignment, entries in by_assignment(counted_rows(class_files.rows)).items():
        section = tree.one("section", data_assignment=assignment)
        for q in ASSIGNMENTS[assignment].questions:
            passed = sum(any(x["id"] == q.name and x["passed"] for x in row["questions"]) for _, row in entries)
            row = section.one("table", **{"class": "questions"}).one("tr", data_question=q.name)
            assert row.one(data_key="points").text() == str(q.points)
            assert row.one(data_key="passed").text() == str(passed), (assignment, q.name)
            assert row.one(data_key="pass-rate").text() == f"{passed / len(entries):.0%}"


def test_named_mistakes_are_counted_per_question_sorted_and_drawn(report, class_files):
    _, _, tree = report()
    charts = 0
    for assignment, entries in by_assignment(counted_rows(class_files.rows)).items():
        section = tree.one("section", data_assignment=assignment)
        for q in ASSIGNMENTS[assignment].questions:
            made = Counter(x["mistake"] for _, row in entries for x in row["questions"]
                           if x["id"] == q.name and x["mistake"])
            blocks = section.find("div", data_question=q.name)
            if not made:
                assert not blocks
                continue
            (block,) = blocks
            rows = block.find("tr", data_question=q.name)
            shown = [(r.attrs["data-mistake"], int(r.one(data_key="students").text())) for r in rows]
            assert shown == sorted(made.items(), key=lambda item: (-item[1], item[0]))
            assert [r.find("td")[0].text() for r in rows] == [MISTAKES[m][0] for m, _ in shown]
            assert len(block.find("img")) == 1
            charts += 1
    assert charts >= 5
    a4 = tree.one("section", data_assignment="a4")
    assert [r.attrs["data-mistake"] for r in a4.one("div", data_question="dense_backward").find("tr")[1:]] == [
        "transpose"]
    assert a4.one("tr", data_question="dense_backward", data_mistake="transpose").one(
        data_key="students").text() == "2"  # alice and heidi


def test_problem_submissions_below_threshold_late_and_missing_students_are_listed(report, class_files):
    _, _, tree = report()
    for assignment, entries in by_assignment(counted_rows(class_files.rows)).items():
        section = tree.one("section", data_assignment=assignment)
        top = ASSIGNMENTS[assignment].max_score
        problems = sorted([(label, row["status"]) for label, row in entries if row["status"] != "graded"]
                          + [(label, f"{x['id']}: {x['status']}") for label, row in entries
                             if row["status"] == "graded" for x in row["questions"] if x["status"] in PROBLEM_STATUSES])
        shown = sorted((tr.attrs["data-student"], tr.one(data_key="kind").text()) for tr in section.find("tr")
                       if "data-student" in tr.attrs and tr.parent.parent.attrs.get("class") == "problems")
        assert shown == problems, assignment
        below = sorted((row["score"], label) for label, row in entries if row["score"] < 0.5 * top)
        listed = [tr.attrs["data-student"] for tr in section.one("table", **{"class": "below"}).find("tr")[1:]] \
            if below else []
        assert listed == [label for _, label in below]
        late = {label for label, row in entries if row["late_seconds"]}
        late_table = section.find("table", **{"class": "late"})
        assert {tr.attrs["data-student"] for tr in (late_table[0].find("tr")[1:] if late_table else [])} == late
        missing = [LABEL[s["id"]] for s in ROSTER if LABEL[s["id"]] not in {label for label, _ in entries}]
        assert [li.text() for li in section.one("ul", **{"class": "missing"}).find("li")] == missing
    a4 = tree.one("section", data_assignment="a4")
    assert a4.one("tr", data_student="1001 Alice Martin").one(data_key="late").text() == "1 h 30 min"
    carol = [tr for tr in a4.find("tr", data_student="1003 Carol Diaz") if tr.find(data_key="kind")]
    assert carol[0].one(data_key="kind").text() == "error" and "timed out" in carol[0].text()
    assert "alice_homework.ipynb" in tree.one("section", id="unassigned").text()
    unknown = tree.one("section", id="unknown-files").text()
    assert "mallory_a3.ipynb" in unknown and "notes.txt" in unknown


def test_hostile_names_and_feedback_are_text_not_markup(report):
    _, page, tree = report()
    assert "<script" not in page.lower()
    assert not tree.find("script")
    handlers = [(n.tag, a) for n in tree.walk() for a in n.attrs if a.lower().startswith("on")]
    assert not handlers, handlers
    text = tree.text()
    assert HOSTILE_NAME in text and HOSTILE_FEEDBACK in text
    assert all(n.attrs["src"].startswith("data:image/png;base64,") for n in tree.find("img"))


def test_the_report_is_self_contained_and_its_images_are_pngs(report):
    _, page, tree = report()
    assert tree.one("meta", http_equiv="Content-Security-Policy").attrs["content"].startswith("default-src 'none'")
    links = [n.attrs["href"] for n in tree.find("a")]
    assert links and all(href.startswith("#") for href in links)
    assert not [n for n in tree.walk() if n.tag in ("link", "iframe", "object", "embed")]
    for img in tree.find("img"):
        data = base64.b64decode(img.attrs["src"].split(",", 1)[1], validate=True)
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int(img.attrs["width"]) > 0
    assert len(tree.find("img")) == 3 + len(tree.find("div", **{"class": "question-mistakes"}))


def test_the_same_gradebooks_give_the_same_bytes(report):
    _, first, _ = report()
    _, second, _ = report()
    assert first == second


def test_below_threshold_follows_the_option_and_must_be_a_fraction(report, class_files):
    _, _, tree = report("--below", "0.8")
    entries = by_assignment(counted_rows(class_files.rows))["a3"]
    section = tree.one("section", data_assignment="a3")
    listed = {tr.attrs["data-student"] for tr in section.one("table", **{"class": "below"}).find("tr")[1:]}
    assert listed == {label for label, row in entries if row["score"] < 8}
    result, _, _ = report("--below", "1.5")
    assert result.code == 2 and "between 0 and 1" in result.err


def test_without_a_roster_students_are_named_by_the_grader(report):
    result, _, tree = report(roster=False)
    assert result.code == 0
    a3 = tree.one("section", data_assignment="a3")
    assert a3.find("tr", data_student="mallory") and not tree.find("section", id="unknown-files")
    assert cell(a3, "summary", "submissions") == "7"  # the six roster students and mallory


def test_an_empty_gradebook_is_a_clear_error_and_writes_nothing(bptutor, tmp_path):
    write_gradebook(tmp_path / "grades", [])
    out = tmp_path / "report.html"
    result = bptutor("report", tmp_path / "grades", "--out", out)
    assert result.code == 2 and "nothing to report" in result.err and "no submissions" in result.err
    assert not out.exists()


def test_an_assignment_the_registry_does_not_know_is_still_reported(bptutor, tmp_path):
    row = submission("s/zoe_a9.ipynb", "a9", extra={"max_score": 5, "score": 2, "questions": [
        {"id": "new_q", "score": 2, "max_score": 5, "passed": False, "status": "failed", "mistake": "no-such-id",
         "feedback": "✗"}]})
    write_gradebook(tmp_path / "grades", [row])
    out = tmp_path / "report.html"
    assert bptutor("report", tmp_path / "grades", "--out", out).code == 0
    section = Tree(out.read_text(encoding="utf-8")).root.one("section", data_assignment="a9")
    assert cell(section, "summary", "mean") == "2.00 / 5"
    assert section.one("tr", data_question="new_q", data_mistake="no-such-id")
