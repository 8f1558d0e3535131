"""The result of a student check: ``bool(result)``, ``result.feedback``, a small card in Jupyter."""
from __future__ import annotations

import html

from .judge import Verdict

#: card colours by status: (border, background)
_COLOURS = {
    "passed": ("#2e7d32", "#e8f5e9"),
    "not-attempted": ("#757575", "#f5f5f5"),
}
_FAILED = ("#c62828", "#ffebee")


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
        body = (f'<pre style="margin:0.4em 0 0 0;white-space:pre-wrap;font-size:90%">'
                f"{html.escape(rest)}</pre>") if rest else ""
        return (f'<div class="bptutor-check bptutor-{self.status}" style="border-left:6px solid {border};'
                f'background:{background};padding:0.5em 0.8em;margin:0.3em 0;border-radius:3px">'
                f"<b>{html.escape(first)}</b>{body}</div>")
