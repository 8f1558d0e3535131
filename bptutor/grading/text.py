"""Text that came from a submission, made safe for the instructor's files.

Student code controls exception messages, file names and everything a sandbox sends
back. Before any of it reaches a file it is cleaned (:func:`clean`: lone surrogates and
bytes that are not UTF-8 become "?", control characters other than newline and tab are
dropped), CSV cells that a spreadsheet would run as a formula are neutralised
(:func:`csv_cell`), and Markdown quotes it in a fence longer than any run of backticks
it contains (:func:`fenced`).
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(value, limit: int | None = None) -> str:
    """``value`` as text that can be written anywhere: valid UTF-8, no control characters."""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = _CONTROL.sub("", text)
    return text if limit is None or len(text) <= limit else text[:limit] + " ..."


def csv_cell(value) -> object:
    """A CSV cell: numbers as they are; text starting like a formula (= + - @ tab CR) gets a leading '."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = clean("" if value is None else value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def fenced(text: str, info: str = "text") -> str:
    """``text`` inside a Markdown code fence that nothing in it can close."""
    text = clean(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"
