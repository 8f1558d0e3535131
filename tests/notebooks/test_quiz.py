"""bptutor.quiz: the lessons' self-check questions judge answers, explain mistakes, and render
the same static output on every run."""
import pytest

from bptutor import quiz

WHY = {"a": "that is the per-neuron article's sign: its δ is −∂E/∂s, eq. (19)",
       "b": "the course defines δ = ∂E/∂z",
       "c": "δ is a gradient with respect to z, not to the weights"}


def _delta_question():
    return quiz.choice("What is $\\delta^{(l)}$ in the course?",
                       {"a": "$-\\partial E/\\partial z$", "b": "$\\partial E/\\partial z$",
                        "c": "$\\partial E/\\partial W$"},
                       answer="b", why=WHY)


def test_choice_right_and_wrong_answers():
    q = _delta_question()
    right = q.check("b")
    assert right.correct and bool(right) and right.text.startswith("✓ Right.")
    assert WHY["b"] in right.text
    wrong = q.check("a")
    assert not wrong.correct and wrong.text.startswith("✗ Wrong.")
    assert WHY["a"] in wrong.text and WHY["b"] not in wrong.text, "a wrong option names its own misconception"
    assert WHY["c"] in q.check("c").text


def test_choice_without_or_with_an_unknown_response_is_not_right():
    q = _delta_question()
    assert not q.check(None).correct and "Choose" in q.check(None).text
    assert not q.check("z").correct and "not an option" in q.check("z").text


def test_predict_points_at_the_next_cell():
    q = quiz.predict("What does the next cell print?", {"a": "True", "b": "False"}, answer="a",
                     why={"a": "both sides agree", "b": "they agree to 1e-10"})
    assert q.check("a").correct and "run the next cell" in q.check("a").text
    assert not q.check("b").correct and "run the next cell" in q.check("b").text


def test_number_within_tolerance_passes_and_says_why():
    q = quiz.number("δ₁?", answer=0.1385, tol=5e-4, traps={0.7514: "that is o₁ itself"}, why="(o − t) o (1 − o)")
    for response in (0.1385, 0.1389, "0.1381", " 0,1385 "):
        assert q.check(response).correct, response
    assert "(o − t) o (1 − o)" in q.check(0.1385).text
    assert not q.check(0.1391).correct


def test_number_trap_gets_its_explanation():
    q = quiz.number("δ₁?", answer=0.1385, tol=5e-4, traps={0.7514: "that is o₁ itself"})
    result = q.check("0.7512")
    assert not result.correct and "that is o₁ itself" in result.text


def test_number_other_wrong_answers_say_how_far_and_which_way():
    q = quiz.number("δ₁?", answer=0.25, tol=1e-3)
    high, low = q.check(0.3), q.check(-0.25)
    assert not high.correct and "too high by 0.05" in high.text and "20%" in high.text
    assert not low.correct and "too low by 0.5" in low.text
    assert "not a number" in q.check("a quarter").text and not q.check("").correct
    assert not q.check(float("nan")).correct


def test_number_default_tolerance_is_relative():
    q = quiz.number("?", answer=200.0)
    assert q.check(200.9).correct and not q.check(201.1).correct


@pytest.mark.parametrize("call, message", [
    (lambda: quiz.choice("q?", {"a": "x", "b": "y"}, answer="c", why={"a": "1", "b": "2"}),
     "answer 'c' is not one of the options"),
    (lambda: quiz.choice("q?", {"a": "x", "b": "y"}, answer="a", why={"a": "1"}),
     "no explanation for option(s) b"),
    (lambda: quiz.choice("q?", {"a": "x", "b": "y"}, answer="a", why={"a": "1", "b": "  "}),
     "no explanation for option(s) b"),
    (lambda: quiz.choice("q?", {"a": "x", "b": "y"}, answer="a", why={"a": "1", "b": "2", "d": "3"}),
     "'d', which is not an option"),
    (lambda: quiz.choice("q?", {"a": "x"}, answer="a", why={"a": "1"}), "at least two"),
    (lambda: quiz.choice("", {"a": "x", "b": "y"}, answer="a", why={"a": "1", "b": "2"}), "non-empty"),
    (lambda: quiz.choice("q?", {"a": "x", "b": "y"}, answer="a", why="because"), "why must be a dict"),
    (lambda: quiz.number("q?", answer="0.5"), "finite number"),
    (lambda: quiz.number("q?", answer=float("inf")), "finite number"),
    (lambda: quiz.number("q?", answer=1.0, tol=0), "tol must be a positive number"),
    (lambda: quiz.number("q?", answer=1.0, tol=0.1, traps={1.05: "close"}), "within tol"),
    (lambda: quiz.number("q?", answer=1.0, tol=0.1, traps={2.0: ""}), "needs an explanation"),
])
def test_bad_arguments_give_clear_errors(call, message):
    with pytest.raises(ValueError, match="quiz: ") as err:
        call()
    assert message in str(err.value)


def test_static_rendering_shows_question_and_options_and_is_the_same_every_time():
    q = _delta_question()
    bundle = q._repr_mimebundle_()
    assert bundle["text/plain"] == repr(q) == repr(_delta_question())
    plain = bundle["text/plain"]
    assert "What is $\\delta^{(l)}$" in plain and "  a) $-\\partial E/\\partial z$" in plain
    html = bundle["text/html"]
    assert html == _delta_question()._repr_html_()
    assert "bptutor-quiz-static" in html and "<b>c)</b>" in html and "data-right" not in html
    assert "model_id" in bundle["application/vnd.jupyter.widget-view+json"]
    number = quiz.number("How much is `x`?", answer=2.0, tol=0.1)
    assert "<code>x</code>" in number._repr_html_() and "within 0.1" in repr(number)


def test_widget_has_the_classes_and_data_the_browser_test_uses_and_gives_feedback():
    q = _delta_question()
    form = q.widget()
    assert "bptutor-quiz" in form._dom_classes
    text, row, feedback = form.children
    assert 'data-right="b"' in text.value and 'data-wrong="a"' in text.value
    assert "bptutor-quiz-feedback" in feedback._dom_classes
    options, button = row.children
    before = feedback.value
    options.value = "a"
    button.click()
    assert feedback.value != before and feedback.value.startswith("✗ Wrong.")
    assert "bptutor-quiz-wrong" in feedback._dom_classes
    options.value = "b"
    button.click()
    assert feedback.value.startswith("✓ Right.")
    assert "bptutor-quiz-right" in feedback._dom_classes and "bptutor-quiz-wrong" not in feedback._dom_classes


def test_number_widget_checks_typed_text():
    q = quiz.number("δ₁?", answer=0.1385, tol=5e-4, traps={0.7514: "that is o₁ itself"})
    form = q.widget()
    text, (box, button), feedback = form.children[0], form.children[1].children, form.children[2]
    assert 'data-right="0.1385"' in text.value and 'data-wrong="0.7514"' in text.value
    box.value = "0.7514"
    button.click()
    assert "that is o₁ itself" in feedback.value
    box.value = q.right_response
    button.click()
    assert feedback.value.startswith("✓ Right.")


def test_html_escapes_markup_but_keeps_math():
    q = quiz.choice("Is $a<b$ for <script>?", {"a": "yes", "b": "no"}, answer="a", why={"a": "1", "b": "2"})
    assert "<script>" not in q._repr_html_() and "$a&lt;b$" in q._repr_html_()
