"""The result of a student check: ``bool(result)``, ``result.feedback``, a small card in Jupyter.

The card's body wraps at spaces only. JupyterLab styles every ``<pre>`` of an output with
``word-break: break-all``, which splits words anywhere ("it agr ees"), so the body is a
``<div>`` that keeps the feedback's lines (``white-space: pre-wrap``), breaks a word only
when it alone is wider than the card, and keeps short code (``` `W_next.T` ```), shapes
(``(4, 3)``) and entries (``[1, 2]``) on one line. Styles are inline: JupyterLab strips
``<style>`` from untrusted outputs.
"""
from __future__ import annotations

import html
import re

from .judge import Verdict

#: card colours by status: (border, background)
_COLOURS = {
    "passed": ("#2e7d32", "#e8f5e9"),
    "not-attempted": ("#757575", "#f5f5f5"),
}
_FAILED = ("#c62828", "#ffebee")
#: the body: keep the text's line breaks, wrap at spaces, never inside a word unless it alone overflows
_BODY = ("margin:0.4em 0 0 0;white-space:pre-wrap;word-break:normal;overflow-wrap:break-word;"
         "line-height:1.45;font-size:95%")
#: code in backticks; up to this many characters it is never broken across lines
_SHORT_CODE = 28
_CODE = re.compile(r"`([^`\n]+)`")
#: shapes ``(4, 3)``, ``(3,)`` and entries ``[1, 2]``: kept on one line
_TOKEN = re.compile(r"\((?:\d+, )+\d+\)|\(\d+,\)|\[\d+(?:, \d+)*\]")
#: the labels of the feedback's lines, shown in bold
_LABELS = re.compile(r"^(Likely mistake:|What to try:|Wrong:|Shapes:)", re.MULTILINE)


def _keep_whole(text: str) -> str:
    """Escaped ``text`` with shapes and entries wrapped in no-break spans."""
    return _TOKEN.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', html.escape(text))


def _code(code: str) -> str:
    wrap = "nowrap" if len(code) <= _SHORT_CODE else "pre-wrap"
    return (f'<code style="white-space:{wrap};word-break:normal;background:rgba(0,0,0,0.06);'
            f'padding:0 0.2em;border-radius:2px">{html.escape(code)}</code>')


def body_html(text: str) -> str:
    """The feedback's lines as card HTML: escaped, code set in ``<code>``, labels in bold."""
    parts, last = [], 0
    for m in _CODE.finditer(text):
        parts += [_keep_whole(text[last:m.start()]), _code(m.group(1))]
        last = m.end()
    parts.append(_keep_whole(text[last:]))
    return _LABELS.sub(r"<b>\1</b>", "".join(parts))


class CheckResult:
    """What a check found.

    ``passed`` (``bool(result)`` is the same), ``status`` (see :class:`Verdict`),
    ``feedback`` (plain text), ``mistake`` (an id of ``diagnose.MISTAKES`` or ``None``),
    ``trials_passed``/``trials_total``. Shows itself as a green (pass), red (fail)
    or grey (not attempted) card in Jupyter and as its feedback text elsewhere.
    """

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.name = verdict.name
        self.passed = bool(verdict.passed)
        self.status = verdict.status
        self.feedback = verdict.feedback
        self.mistake = verdict.mistake
        self.trials_passed = verdict.trials_passed
        self.trials_total = verdict.trials_total
        self.parts = [verdict]

    @classmethod
    def combined(cls, target: str, verdicts) -> CheckResult:
        """One result for a class whose methods are several questions: passed when all passed."""
        passed = all(v.passed for v in verdicts)
        done = sum(v.passed for v in verdicts)
        statuses = {v.status for v in verdicts}
        status = ("passed" if passed else "not-attempted" if statuses == {"not-attempted"}
                  else "error" if "error" in statuses else "failed")
        mark = "✓" if passed else "○" if status == "not-attempted" else "✗"
        head = f"{mark} {target}: {done} of {len(verdicts)} parts passed."
        body = "\n\n".join(v.feedback for v in verdicts)
        mistake = next((v.mistake for v in verdicts if v.mistake), None)
        result = cls(Verdict(target, passed, status, f"{head}\n{body}", mistake,
                             sum(v.trials_passed for v in verdicts), sum(v.trials_total for v in verdicts)))
        result.parts = list(verdicts)
        return result

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.feedback

    __repr__ = __str__

    def _repr_html_(self) -> str:
        border, background = _COLOURS.get(self.status, _FAILED)
        first, _, rest = self.feedback.partition("\n")
        body = f'<div class="bptutor-check-body" style="{_BODY}">{body_html(rest)}</div>' if rest else ""
        return (f'<div class="bptutor-check bptutor-{self.status}" style="border-left:6px solid {border};'
                f'background:{background};padding:0.5em 0.8em;margin:0.3em 0;border-radius:3px">'
                f"<b>{html.escape(first)}</b>{body}</div>")
