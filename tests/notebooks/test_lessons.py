"""The lesson notebooks as course material: the ten of COURSE.md, executed, deterministic,
tied to their sources (by the short names of ``lessons/sources.ipynb``, which they link), with
self-check questions, linked to their exercises, with widgets that degrade to static pictures.

nbval (in ``make test``) re-runs every lesson and compares its outputs; these tests check
what nbval cannot: that the stored notebooks are the ones a reader should get.
"""
import json
import re

import pytest
from helpers.paths import ROOT

from bptutor.assignments import ASSIGNMENTS

LESSONS_DIR = ROOT / "lessons"
#: COURSE.md's syllabus, in order
LESSONS = (
    "00_chain_rule.ipynb", "01_gradient_checking.ipynb", "02_one_neuron.ipynb",
    "03_output_layer.ipynb", "04_hidden_layers.ipynb", "05_matrix_form.ipynb",
    "06_softmax.ipynb", "07_training_in_practice.ipynb", "07b_depth_and_minima.ipynb", "08_autodiff.ipynb",
    "09_capstone.ipynb",
)
WIDGET_CALL = re.compile(r"(_widget|_slider|_sliders|_browser|interact)\(")
#: the page every lesson links for its references (markdown only, not a lesson)
SOURCES = "sources.ipynb"
#: the short names of the five sources (common to every lesson, exercise and message)
SOURCE_NAMES = ("the per-neuron article", "the Wikipedia article", "the Ng-notation guide",
                "the lecture slides", "the handbook chapter")
SOURCE_ANCHORS = tuple(name.lower().replace(" ", "-") for name in SOURCE_NAMES)  # the-per-neuron-article, ...
#: private jargon that must not reach a reader: "seed 000", "Seed 003's", "seeds 002/003"
SEED_JARGON = re.compile(r"\b[Ss]eeds? 00[0-4]")
QUIZ_CALL = re.compile(r"\bquiz\.(?:choice|number|predict)\(")
MIN_QUIZ_QUESTIONS = 3
#: lessons still being moved to the short names, the sources link and quiz questions; the tests
#: below are expected to fail for these (strict=False: they pass as soon as a lesson is done).
#: Shrink this set as lessons are finished.
IN_PROGRESS: set[str] = set()


def _lessons_marked():
    return [pytest.param(name, marks=pytest.mark.xfail(strict=False, reason="lesson not yet moved to "
                                                         "short names, sources link and quizzes"))
            if name in IN_PROGRESS else name for name in LESSONS]


def _load(name):
    return json.loads((LESSONS_DIR / name).read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _text_outputs(cell, kinds=("stream", "execute_result", "display_data")):
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] not in kinds:
            continue
        text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
        parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def test_the_ten_lessons_of_the_syllabus_exist():
    assert sorted(p.name for p in LESSONS_DIR.glob("*.ipynb") if p.name != SOURCES) == list(LESSONS)


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_opens_with_its_goals(name):
    first = _source(_load(name)["cells"][0])
    assert first.startswith(f"# Lesson {name[:2]} — "), first[:60]
    assert "After this lesson you can" in first


@pytest.mark.parametrize("name", _lessons_marked())
def test_lesson_cites_its_sources_by_short_name_and_links_the_sources_page(name):
    cells = _load(name)["cells"]
    markdown = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    assert any(source in markdown.lower() for source in SOURCE_NAMES), "name the source a lesson follows"
    head = "\n".join(_source(c) for c in cells[:2])
    assert f"]({SOURCES}" in head, "link the sources page near the top of the lesson"
    anchors = set(SOURCE_ANCHORS) | {"equations", "notation", "errata", "glossary"}
    for anchor in re.findall(rf"\]\({re.escape(SOURCES)}#([\w-]+)\)", markdown):
        assert anchor in anchors, f"{SOURCES}#{anchor} is not an anchor of the sources page"


@pytest.mark.parametrize("name", _lessons_marked())
def test_lesson_never_says_seed_nnn(name):
    for i, cell in enumerate(_load(name)["cells"]):
        shown = _source(cell) + (_text_outputs(cell) if cell["cell_type"] == "code" else "")
        found = SEED_JARGON.search(shown)
        assert not found, f"cell {i} says {found.group(0)!r}: cite the source by its short name"


@pytest.mark.parametrize("name", _lessons_marked())
def test_lesson_has_quiz_questions(name):
    code = [_source(c) for c in _load(name)["cells"] if c["cell_type"] == "code"]
    n = sum(len(QUIZ_CALL.findall(src)) for src in code)
    assert n >= MIN_QUIZ_QUESTIONS, f"{n} quiz questions; each lesson asks at least {MIN_QUIZ_QUESTIONS}"
    assert any("from bptutor import" in src and "quiz" in src for src in code[:1]), "import quiz in the first cell"


def test_sources_page_describes_the_five_sources():
    nb = _load(SOURCES)
    assert all(c["cell_type"] == "markdown" for c in nb["cells"]), "the sources page is text only"
    text = "\n".join(_source(c) for c in nb["cells"])
    for anchor in SOURCE_ANCHORS + ("equations", "notation", "errata", "glossary"):
        assert f'<a id="{anchor}"></a>' in text, f"no anchor {anchor!r}"
    for name in SOURCE_NAMES:
        assert f"## {name[0].upper()}{name[1:]}" in text, name
    assert not SEED_JARGON.search(text)
    for word in ("локальный градиент", "эталонное значение", "паралич сети", "эпоха", "激励函数", "误差", "th"):
        assert word in text, f"the glossary lacks {word!r}"


def test_every_cited_per_neuron_equation_is_on_the_sources_page():
    page = "\n".join(_source(c) for c in _load(SOURCES)["cells"])
    rows = {int(n) for n in re.findall(r"^\| \((\d+)\) \|", page, re.M)}
    cited = set()
    for name in LESSONS:
        markdown = "\n".join(_source(c) for c in _load(name)["cells"] if c["cell_type"] == "markdown")
        for first, last in re.findall(r"eqs?\.\s*\(?(\d+)\)?(?:\s*[–-]\s*\(?(\d+)\)?)?", markdown):
            cited |= set(range(int(first), int(last or first) + 1))
    assert cited and cited <= rows, f"equations cited but not on the sources page: {sorted(cited - rows)}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_is_executed_and_deterministic(name):
    nb = _load(name)
    assert "widgets" not in nb["metadata"], "clear the stored widget state (it only says 'model not found')"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = _source(code[0])
    assert "%matplotlib inline" in first and "import numpy as np" in first
    for cell in code:
        src = _source(cell)[:60]
        assert cell["execution_count"], f"cell not executed: {src!r}"
        assert all(o["output_type"] != "error" for o in cell["outputs"]), src
        assert not re.search(r"0x[0-9a-f]{6,}", _text_outputs(cell)), f"memory address in output: {src!r}"
        # a figure shown by plt.show() is display_data; as a cell's *value* it means a stray repr
        assert "<Figure size" not in _text_outputs(cell, ("stream", "execute_result")), src
    ignored = [c for c in code if "nbval-ignore-output" in c["metadata"].get("tags", [])]
    assert len(ignored) <= 2, "keep outputs that nbval cannot compare rare"


@pytest.mark.parametrize("name", LESSONS)
def test_widgets_have_a_static_picture_before_them(name):
    code = [c for c in _load(name)["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        if WIDGET_CALL.search(_source(cell)) and not _source(cell).lstrip().startswith(("def ", "from ", "import ")):
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), _source(cell)[:60]
            assert any("image/png" in o.get("data", {}) for c in code[:i + 1] for o in c["outputs"]), \
                f"no static figure before the widget: {_source(cell)[:60]!r}"


def test_at_least_four_lessons_have_widgets():
    with_widgets = [n for n in LESSONS
                    if any(WIDGET_CALL.search(_source(c)) for c in _load(n)["cells"] if c["cell_type"] == "code")]
    assert len(with_widgets) >= 4, with_widgets


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_ends_with_its_registered_exercise(name):
    last = _source(_load(name)["cells"][-1])
    links = set(re.findall(r"\(\.\./exercises/([a-z0-9_]+\.ipynb)\)", last))
    assert links, "the last cell points to the matching exercise notebook"
    assert links <= {a.notebook for a in ASSIGNMENTS.values()}
    for a in ASSIGNMENTS.values():
        if a.lesson == f"lessons/{name}":
            assert a.notebook in links


def test_every_assignment_practises_an_existing_lesson():
    for a in ASSIGNMENTS.values():
        assert (LESSONS_DIR.parent / a.lesson).is_file(), a.lesson


def test_capstone_asserts_the_graded_accuracy():
    sources = [_source(c) for c in _load("09_capstone.ipynb")["cells"] if c["cell_type"] == "code"]
    assert any("assert test_accuracy[-1] >= A6_ACCURACY" in s for s in sources)
