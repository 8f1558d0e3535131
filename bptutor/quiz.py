r"""Self-check questions for the lessons: ``choice``, ``number`` and ``predict``.

Each function returns a question. Shown as the last expression of a cell it is a small
ipywidgets form (the options or a number box, a Check button, a feedback line); saved in a
notebook it is a plain-text and a static HTML picture of the question, the same on every run,
so nbval and a reader without a kernel see the question and its options::

    from bptutor import quiz
    q = quiz.choice(r"What does $\delta^{(l)}$ mean in this course?",
                    {"a": r"$-\partial E/\partial z^{(l)}$", "b": r"$\partial E/\partial z^{(l)}$"},
                    answer="b",
                    why={"a": "that is the per-neuron article's sign, eq. (19)", "b": "the course's definition"})
    q                       # the form
    q.check("a").correct    # False -- and q.check("a").text names the misconception

Every wrong answer gets its own explanation: for a choice, the ``why`` of that option; for a
number, the explanation of a known trap, or else how far off it is and in which direction.
The widget carries the CSS class ``bptutor-quiz`` and its feedback line ``bptutor-quiz-feedback``;
the question's HTML holds ``data-right`` and ``data-wrong`` responses (one right, one wrong) for the
browser test.
"""
from __future__ import annotations

import html
import math
import numbers
import re
from dataclasses import dataclass

__all__ = ["choice", "number", "predict", "Result", "Choice", "Number"]

RIGHT, WRONG = "✓ Right.", "✗ Wrong."
PROMPT = "Choose an answer, then press Check."


@dataclass(frozen=True)
class Result:
    """The verdict on one response: ``correct`` and the feedback ``text`` a student reads."""

    correct: bool
    text: str

    def __bool__(self):
        return self.correct

    def __str__(self):
        return self.text


def _inline_markdown(text: str) -> str:
    """HTML for the little Markdown a question uses: `code`, **bold**, *italics*; $math$ is left to MathJax."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<![*\w$\\])\*([^*\s][^*]*)\*(?![*\w])", r"<i>\1</i>", out)
    return out


def _fmt(x: float) -> str:
    return f"{x:.6g}"


class _Question:
    kind = ""

    def __init__(self, question: str):
        if not isinstance(question, str) or not question.strip():
            raise ValueError("quiz: the question must be a non-empty string")
        self.question = question

    # -- what subclasses provide -------------------------------------------------------------
    def check(self, response) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError

    def _plain_body(self) -> list[str]:
        return []

    def _html_body(self) -> str:
        return ""

    def _input_widget(self):  # pragma: no cover - abstract
        raise NotImplementedError

    #: a right and a wrong response, for tests and the browser test
    right_response: str = ""
    wrong_response: str = ""

    # -- rendering ---------------------------------------------------------------------------
    def __repr__(self):
        lines = [f"Quiz ({self.kind}): {self.question}", *self._plain_body(),
                 "(Run the cell to answer here, or call .check(response).)"]
        return "\n".join(lines)

    def _question_html(self, data: bool) -> str:
        attrs = (f' data-kind="{self.kind}" data-right="{html.escape(self.right_response)}"'
                 f' data-wrong="{html.escape(self.wrong_response)}"') if data else ""
        return (f'<div class="bptutor-quiz-question"{attrs}><p><b>Quiz.</b> {_inline_markdown(self.question)}</p>'
                f"{self._html_body()}</div>")

    def _repr_html_(self):
        return (f'<div class="bptutor-quiz-static">{self._question_html(data=False)}'
                "<p><i>Run the cell to answer.</i></p></div>")

    def widget(self):
        """The ipywidgets form: the question, an input, a Check button and a feedback line."""
        import ipywidgets as w

        text = w.HTMLMath(self._question_html(data=True))
        answer = self._input_widget()
        button = w.Button(description="Check", button_style="primary", layout=w.Layout(width="auto"))
        feedback = w.HTMLMath(html.escape(PROMPT))
        feedback.add_class("bptutor-quiz-feedback")

        def on_check(_):
            result = self.check(answer.value)
            feedback.value = html.escape(result.text)
            feedback.remove_class("bptutor-quiz-right" if not result.correct else "bptutor-quiz-wrong")
            feedback.add_class("bptutor-quiz-right" if result.correct else "bptutor-quiz-wrong")

        button.on_click(on_check)
        form = w.VBox([text, w.HBox([answer, button]), feedback])
        form.add_class("bptutor-quiz")
        return form

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self._repr_html_()}
        view = self.widget()._repr_mimebundle_()
        bundle["application/vnd.jupyter.widget-view+json"] = view["application/vnd.jupyter.widget-view+json"]
        return bundle


class Choice(_Question):
    """A multiple-choice question (``quiz.choice``); ``predict`` is one that points at the next cell."""

    kind = "choice"

    def __init__(self, question: str, options: dict, answer, why: dict):
        super().__init__(question)
        if not isinstance(options, dict) or len(options) < 2:
            raise ValueError("quiz: options must be a dict of at least two {key: text} entries")
        if not all(isinstance(k, str) and k for k in options):
            raise ValueError(f"quiz: option keys must be non-empty strings, got {list(options)!r}")
        keys = ", ".join(options)
        if answer not in options:
            raise ValueError(f"quiz: answer {answer!r} is not one of the options ({keys})")
        if not isinstance(why, dict):
            raise ValueError("quiz: why must be a dict with an explanation for every option")
        missing = [k for k in options if not str(why.get(k, "")).strip()]
        if missing:
            raise ValueError(f"quiz: why has no explanation for option(s) {', '.join(missing)}: "
                             "every wrong option must name its misconception")
        extra = [k for k in why if k not in options]
        if extra:
            raise ValueError(f"quiz: why names {', '.join(map(repr, extra))}, which is not an option ({keys})")
        self.options, self.answer, self.why = dict(options), answer, dict(why)
        self.right_response = answer
        self.wrong_response = next(k for k in options if k != answer)

    def _plain_body(self):
        return [f"  {k}) {v}" for k, v in self.options.items()]

    def _html_body(self):
        items = "".join(f"<li><b>{html.escape(k)})</b> {_inline_markdown(v)}</li>" for k, v in self.options.items())
        return f'<ul style="list-style: none; padding-left: 1em">{items}</ul>'

    def _input_widget(self):
        import ipywidgets as w

        buttons = w.ToggleButtons(options=list(self.options), value=None, style={"button_width": "3em"})
        buttons.add_class("bptutor-quiz-options")
        return buttons

    def _after(self) -> str:
        return ""

    def check(self, response) -> Result:
        """Judge ``response`` (an option key)."""
        if response is None or response == "":
            return Result(False, f"Choose one of the options ({', '.join(self.options)}) first.")
        if response not in self.options:
            return Result(False, f"{response!r} is not an option; choose one of {', '.join(self.options)}.")
        if response == self.answer:
            return Result(True, f"{RIGHT} {self.why[response]}{self._after()}")
        return Result(False, f"{WRONG} {response}) {self.why[response]}{self._after()}")


class _Predict(Choice):
    kind = "predict"

    def _after(self):
        return " Now run the next cell and compare."


class Number(_Question):
    """A question answered with a number (``quiz.number``)."""

    kind = "number"

    def __init__(self, question: str, answer, tol=None, traps=None, why: str = ""):
        super().__init__(question)
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
            raise ValueError(f"quiz: answer must be a finite number, got {answer!r}")
        answer = float(answer)
        if tol is None:
            tol = 5e-3 * abs(answer) or 1e-9
        if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol > 0:
            raise ValueError(f"quiz: tol must be a positive number, got {tol!r}")
        traps = dict(traps or {})
        for trap, text in traps.items():
            if isinstance(trap, bool) or not isinstance(trap, numbers.Real) or not math.isfinite(trap):
                raise ValueError(f"quiz: a trap must be a number, got {trap!r}")
            if abs(trap - answer) <= tol:
                raise ValueError(f"quiz: trap {trap!r} is within tol={tol!r} of the answer {answer!r}")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"quiz: trap {trap!r} needs an explanation")
        if not isinstance(why, str):
            raise ValueError("quiz: why must be a string saying how the number is obtained")
        self.answer, self.tol, self.traps, self.why = answer, float(tol), {float(k): v for k, v in traps.items()}, why
        self.right_response = _fmt(answer)
        wrong = next(iter(self.traps), answer + max(100 * self.tol, abs(answer), 1.0))
        self.wrong_response = _fmt(wrong)

    def _plain_body(self):
        return [f"  (a number; answers within {_fmt(self.tol)} count)"]

    def _html_body(self):
        return f"<p><i>Type a number (answers within {_fmt(self.tol)} count).</i></p>"

    def _input_widget(self):
        import ipywidgets as w

        box = w.Text(placeholder="your number", layout=w.Layout(width="12em"))
        box.add_class("bptutor-quiz-input")
        return box

    def check(self, response) -> Result:
        """Judge ``response`` (a number, or a string holding one; a decimal comma is accepted)."""
        if isinstance(response, str):
            text = response.strip().replace(",", ".").replace("−", "-")
            if not text:
                return Result(False, "Type a number first.")
            try:
                response = float(text)
            except ValueError:
                return Result(False, f"{response!r} is not a number.")
        if isinstance(response, bool) or not isinstance(response, numbers.Real) or not math.isfinite(response):
            return Result(False, f"{response!r} is not a finite number.")
        value = float(response)
        why = f" {self.why}" if self.why else ""
        if abs(value - self.answer) <= self.tol:
            return Result(True, f"{RIGHT} The answer is {_fmt(self.answer)}.{why}")
        for trap, text in self.traps.items():
            if abs(value - trap) <= self.tol:
                return Result(False, f"{WRONG} {text}")
        off = value - self.answer
        relative = f" ({abs(off) / abs(self.answer):.0%} of the answer)" if self.answer else ""
        return Result(False, f"{WRONG} {_fmt(value)} is too {'high' if off > 0 else 'low'} by "
                             f"{_fmt(abs(off))}{relative}; answers within {_fmt(self.tol)} count.")


def choice(question: str, options: dict, answer, why: dict) -> Choice:
    """A multiple-choice question.

    Parameters
    ----------
    question : str
        Markdown; ``$math$`` is typeset.
    options : dict
        ``{key: option text}``, at least two.
    answer : str
        The key of the right option.
    why : dict
        An explanation for *every* key: for a wrong option, the misconception it comes from.
    """
    return Choice(question, options, answer, why)


def predict(question: str, options: dict, answer, why: dict) -> Choice:
    """Like :func:`choice`, for "predict what the next cell prints": the feedback says to run it."""
    return _Predict(question, options, answer, why)


def number(question: str, answer: float, tol: float | None = None, traps: dict | None = None,
           why: str = "") -> Number:
    """A question answered with a number.

    Parameters
    ----------
    answer : float
        The right number; responses within ``tol`` of it are right.
    tol : float, optional
        Absolute tolerance (default: 0.5 % of ``|answer|``).
    traps : dict, optional
        ``{likely wrong number: explanation}`` -- what a student who made a known mistake gets.
    why : str
        How the right number is obtained (shown once it is right).
    """
    return Number(question, answer, tol=tol, traps=traps, why=why)
