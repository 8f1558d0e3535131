"""The diagnosis of common mistakes: matching mistake models, reading ratios and errors, the words.

:data:`MISTAKES` (the shared table of :mod:`bptutor.check.mistakes`) maps a mistake id to
``(title, explanation, what to try)``; a question's twin in :mod:`bptutor.check.answers`
may say the same in the question's own names (``Answer.hints``), and :func:`describe`
prefers those.

Each question's *mistake models* live in its twin too: ``(mistake_id, model)`` pairs,
where ``model(case)`` computes what one specific wrong implementation returns for the same
inputs (a transpose missing, the activation derivative left out...; see
:mod:`bptutor.check.mistake_models`). When a student's outputs agree with a model on
every trial, and the model differs from the right answer on at least one,
:func:`match_model` names that mistake.

A wrong value that is a clean multiple of the right one needs no model:
:func:`common_ratio` finds it for every question (the sign flipped is ``× −1``, a lost
½ is ``× 2``, a sum where a mean belongs is ``× N``) and :func:`ratio_mistake` names it.
Other mistakes are read from the outcome itself: :func:`from_error` (the message of an
exception), warnings and non-finite values (``overflow``), a changed input
(``mutated-input``), ``None`` (``missing-return``), the shape, type and count of what
came back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..trials import to_plain
from .compare import at, close, constant_ratio, leaves, name_of, ratio_text, simple_fraction
from .mistakes import MISTAKES

__all__ = ["MISTAKES", "RATIO_MISTAKES", "Ratio", "common_ratio", "describe", "from_error", "match_model",
           "numeric_warnings", "ratio_mistake"]


# --------------------------------------------------------------------------- matching
def _wrong_leaves(got, expected, tol, floor):
    """``[(key, leaf)]`` of ``got`` that differ from the expected value at the same place."""
    return [(key, leaf) for key, leaf in leaves(got)
            if not close(leaf, at(expected, key), tol, floor)]


def _model_explains(model, wrong, n_leaves, tol, floor) -> bool:
    """The model has the student's structure and agrees with every leaf the student got wrong."""
    if len(leaves(model)) != n_leaves:
        return False
    return all(close(leaf, at(model, key), tol, floor) for key, leaf in wrong)


def match_model(models, cases, floor=1e-6, tol=1e-6) -> str | None:
    """The first mistake whose model explains the student's values on every case.

    ``models``: ``[(mistake id, model)]``; ``cases``: one
    :class:`~bptutor.check.mistake_models.Case` per trial that returned numbers (plain
    values, ``got`` already conformed). On each case the model must agree with every
    output the student got wrong (outputs the student got right may differ: a mistake
    made in one output only still matches), and on at least one case the student must
    have got something wrong.
    """
    prepared = [(case, _wrong_leaves(case.got, case.expected, tol, floor), len(leaves(case.got)))
                for case in cases]
    if not any(wrong for _, wrong, _ in prepared):
        return None
    for mistake, model in models:
        for case, wrong, n_leaves in prepared:
            if not wrong:
                continue
            try:
                with np.errstate(all="ignore"):
                    predicted = model(case)
                if predicted is None:
                    break
                predicted = to_plain(predicted)
            except Exception:  # noqa: BLE001 -- a model that does not apply to these inputs
                break
            if not _model_explains(predicted, wrong, n_leaves, tol, floor):
                break
        else:
            return mistake
    return None


def from_error(message: str) -> str | None:
    """A mistake suggested by an exception's message (``None`` when it suggests none)."""
    text = message.lower()
    if "matmul" in text or "not aligned" in text or "mismatch in its core dimension" in text:
        return "transpose"
    if "could not be broadcast" in text:
        shapes = re.findall(r"\(([\d,\s]*)\)", text)
        dims = [tuple(int(d) for d in sh.replace(" ", "").split(",") if d) for sh in shapes]
        if any(a != b and a == b[::-1] for a in dims for b in dims):
            return "transpose"  # (4, 3) against (3, 4): one operand is transposed
        return "broadcast"
    if "overflowerror" in text or "math range error" in text:
        return "overflow"
    if "only length-1 arrays" in text or "only 0-dimensional arrays" in text or \
            "only size-1 arrays" in text or ("typeerror" in text and "must be real number" in text):
        return "scalar-math"
    return None


NUMERIC_WARNINGS = ("overflow", "invalid value", "divide by zero")


def numeric_warnings(warnings) -> list:
    """The warnings that mean a computation overflowed or produced NaN."""
    return [w for w in warnings if any(k in str(w) for k in NUMERIC_WARNINGS)]


# --------------------------------------------------------------------------- ratios
@dataclass(frozen=True)
class Ratio:
    """What every wrong output of every trial shares.

    ``kind``: ``"constant"`` (``value`` times the right answer in every trial) or
    ``"rows"`` (``N ** value`` times it, ``N`` the number of rows of ``rows_of``, which
    differs from trial to trial). ``n``: that number in the first trial that went wrong;
    ``trial``: its position (0-based); ``outputs``: the names of the wrong outputs, or
    ``()`` when the result has one output.
    """

    kind: str
    value: float
    n: int = 0
    rows_of: str = ""
    trial: int = 0
    outputs: tuple = ()


def _rows(case, params):
    """``(parameter name, number of rows)`` of the first 2-D array argument, or ``None``."""
    for name, arg in zip(params or (), case.args):
        if isinstance(arg, np.ndarray) and arg.ndim == 2:
            return name, int(arg.shape[0])
    return None


def common_ratio(cases, params=(), names=None, floor=1e-3, tol=1e-6) -> Ratio | None:
    """The ratio shared by every output the student got wrong, over all ``cases``, or ``None``.

    ``cases``: a :class:`~bptutor.check.mistake_models.Case` per trial (``None`` for a trial
    that returned no numbers), so ``Ratio.trial`` counts trials; ``params``: the question's
    parameter names (to say what N counts); ``names``: its outputs.
    """
    found = []  # (trial position, case, ratio, wrong keys)
    for i, case in enumerate(cases):
        if case is None:
            continue
        wrong = _wrong_leaves(case.got, case.expected, tol, floor)
        if not wrong:
            continue
        ratios = []
        for key, leaf in wrong:
            ratios.append(constant_ratio(leaf, at(case.expected, key), floor))
            if ratios[-1] is None:
                return None
        if not _same(ratios):
            return None
        found.append((i, case, ratios[0], [key for key, _ in wrong]))
    if not found:
        return None
    first, case, r, keys = found[0]
    tops = tuple(dict.fromkeys(name_of(names, key[:1]) for key in keys)) if isinstance(names, (tuple, list)) else ()
    rows = [_rows(c, params) for _, c, _, _ in found]
    # N rows when every trial's ratio is its own N (or 1/N); N = 2 everywhere could as well be a factor 2
    if all(rows) and len({name for name, _ in rows}) == 1 and {n for _, n in rows} - {1, 2}:
        for power in (1.0, -1.0):
            if all(abs(ratio - n ** power) <= 1e-6 * n ** power for (_, _, ratio, _), (_, n) in zip(found, rows)):
                return Ratio("rows", power, rows[0][1], rows[0][0], first, tops)
    if _same([ratio for _, _, ratio, _ in found]):
        return Ratio("constant", r, trial=first, outputs=tops)
    return None


def _same(values) -> bool:
    return max(values) - min(values) <= 1e-6 * max(1.0, max(abs(v) for v in values))


#: the mistakes a ratio can name
RATIO_MISTAKES = frozenset({"zeros", "sign", "factor-2", "constant-factor", "missing-1/N", "extra-1/N"})


def ratio_mistake(ratio: Ratio | None) -> str | None:
    """The mistake a ratio names by itself (``None`` when there is none)."""
    if ratio is None:
        return None
    if ratio.kind == "rows":
        return "missing-1/N" if ratio.value > 0 else "extra-1/N"
    r = ratio.value
    if r == 0.0:
        return "zeros"
    if abs(r + 1.0) < 1e-9:
        return "sign"
    if abs(abs(r) - 2.0) < 1e-9 or abs(abs(r) - 0.5) < 1e-9:
        return "factor-2"
    return "constant-factor"


_SIZE_WORDS = {2.0: "twice too large", 0.5: "half the right size", -2.0: "twice too large, with the opposite sign",
               -0.5: "half the right size, with the opposite sign"}


def ratio_detail(ratio: Ratio | None, case=None, params=()) -> str:
    """Words for a ratio, to follow a mistake's title: ``twice too large``, ``5 × too large: 5 is N, ...``."""
    if ratio is None:
        return ""
    where = f"{', '.join(ratio.outputs)}: " if ratio.outputs else ""
    if ratio.kind == "rows":
        how = "too large" if ratio.value > 0 else "too small"
        return (f"{where}N times {how}, with N = {ratio.n} in trial {ratio.trial + 1}: the number of rows "
                f"(examples) of `{ratio.rows_of}`")
    r = ratio.value
    if r == 0.0 or abs(r + 1.0) < 1e-9:
        return ""
    words = _SIZE_WORDS.get(round(r, 9), f"exactly {ratio_text(r)} × the expected values")
    size = _size_named(r, case, params)
    return f"{where}{words}{size}"


def _size_named(r, case, params) -> str:
    """``; 4 is the number of columns of `S``` when ``r`` or ``1/r`` is a size of an input (3 or more)."""
    if case is None:
        return ""
    f = simple_fraction(r)
    if f is None or (abs(f.numerator) != 1 and f.denominator != 1):
        return ""
    k = abs(f.numerator) * f.denominator
    if k < 3:
        return ""
    for name, arg in zip(params or (), case.args):
        if isinstance(arg, np.ndarray) and arg.ndim <= 2:
            for axis, what in enumerate(("rows", "columns") if arg.ndim == 2 else ("entries",)):
                if arg.shape[axis] == k:
                    return f"; {k} is the number of {what} of `{name}`"
    return ""


def _fields(question) -> dict:
    """What the shared texts' placeholders become for ``question``."""
    if question is None:
        return {"{name}": "your function", "{returns}": "what the contract asks", "{summary}": "the contract"}
    outputs = getattr(question, "outputs", None)
    return {"{name}": f"`{question.target}`",
            "{returns}": f"({', '.join(outputs)})" if outputs else "your result",
            "{summary}": str(question.summary)}


def _fill(text: str, fields: dict) -> str:
    for key, value in fields.items():
        text = text.replace(key, value)
    return text


def describe(mistake: str, question=None, hints=None, detail: str = "") -> str:
    """The feedback paragraph for a mistake id: ``Likely mistake: ...`` and ``What to try: ...``.

    ``question``: fills the shared texts' placeholders; ``hints``: the question's own words
    (``Answer.hints``: mistake id -> what to try, or ``(why, what to try)``; ``None`` in
    either keeps the shared text); ``detail``: words that follow the title (a ratio).
    """
    title, why, what = MISTAKES[mistake]
    hint = (hints or {}).get(mistake)
    if isinstance(hint, str):
        what = hint
    elif hint:
        why, what = hint[0] or why, hint[1] or what
    fields = _fields(question)
    title = f"{title} ({detail})" if detail else title
    return f"Likely mistake: {title}. {_fill(why, fields)}\nWhat to try: {_fill(what, fields)}"
