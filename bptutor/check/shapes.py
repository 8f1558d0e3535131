"""Why a product or an elementwise operation failed, told with the student's own names and shapes.

NumPy's message ("matmul: Input operand 1 has a mismatch in its core dimension 0, with
gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 4)") names no array.
:func:`story` finds which of the trial's inputs reproduce exactly that message, says in
plain words why their shapes do not line up, and, when a transpose or a swap of the two
factors gives the shape of the right answer, says which one:

    `delta_next` (3,) @ `W_next` (4, 3) does not line up: the last size of `delta_next`
    is 3, the first size of `W_next` is 4. `W_next.T` is (3, 4), so `delta_next @ W_next.T`
    is (4,), the shape of the answer.

An input is named only when no other input has its shape (an intermediate result of the
same shape could be the real operand otherwise).
"""
from __future__ import annotations

import re

import numpy as np

from .compare import leaves


def named_arrays(params, args) -> list:
    """``[(name, shape)]`` for every array argument, a list's items as ``weights[1]``."""
    found = []
    for name, arg in zip(params or (), args):
        if isinstance(arg, np.ndarray):
            found.append((name, arg.shape))
        elif isinstance(arg, (list, tuple)):
            found.extend((f"{name}[{i}]", a.shape) for i, a in enumerate(arg) if isinstance(a, np.ndarray))
    return found


def _shape(shape) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else str(tuple(shape))


def _matmul(a, b):
    return np.zeros(a) @ np.zeros(b)


def _dot(a, b):
    return np.dot(np.zeros(a), np.zeros(b))


def _fails_like(op, a, b, message) -> bool:
    try:
        op(a, b)
    except ValueError as exc:
        return f"ValueError: {exc}".strip() == message
    return False


def _result(a, b):
    """The shape of ``A @ B`` for these shapes, or ``None`` when it fails."""
    try:
        return _matmul(a, b).shape
    except ValueError:
        return None


def _label(name, shape, arrays) -> str:
    """`` `W_next` (4, 3)`` when only ``name`` has this shape, else ``an array of shape (4, 3)``."""
    if sum(s == shape for _, s in arrays) == 1:
        return f"`{name}` {_shape(shape)}"
    return f"an array of shape {_shape(shape)}"


def _transposed(shape):
    return tuple(shape[::-1])


def _fix(x, y, arrays, targets) -> str:
    """A rearrangement of the two factors whose product has the answer's shape, in words."""
    (xn, xs), (yn, ys) = x, y
    named = sum(s == xs for _, s in arrays) == 1 and sum(s == ys for _, s in arrays) == 1
    if not named:
        return ""
    options = [(f"{xn} @ {yn}.T", xs, _transposed(ys), yn), (f"{xn}.T @ {yn}", _transposed(xs), ys, xn),
               (f"{yn} @ {xn}", ys, xs, None), (f"{yn} @ {xn}.T", ys, _transposed(xs), xn),
               (f"{yn}.T @ {xn}", _transposed(ys), xs, yn)]
    for text, a, b, flipped in options:
        if flipped is not None and len(dict(arrays)[flipped]) < 2:
            continue  # .T of a 1-D array changes nothing
        shape = _result(a, b)
        if shape is not None and shape in targets:
            first = (f"`{flipped}.T` is {_shape(_transposed(dict(arrays)[flipped]))}, so "
                     if flipped is not None else "The order of the factors matters: ")
            return f" {first}`{text}` is {_shape(shape)}, the shape of the answer."
    return ""


def _inner(xs, ys):
    """``(last size of A, the size of B it must equal, which size of B that is)`` for ``A @ B``."""
    right = ys[0] if len(ys) == 1 else ys[-2]
    return xs[-1], right, "first" if len(ys) <= 2 else "second-to-last"


def matmul_story(message, arrays, targets) -> str | None:
    """Words for a failed ``@`` (or ``np.dot``) between two of ``arrays``, or ``None``.

    Several pairs of inputs may fail with the same message; a pair for which a transpose
    or a swap gives the answer's shape is preferred, and when the choice stays open
    nothing is said.
    """
    for op, joint in ((_matmul, "{x} @ {y}"), (_dot, "np.dot({x}, {y})")):
        pairs = [(x, y) for x in arrays for y in arrays if x[0] != y[0] and _fails_like(op, x[1], y[1], message)]
        if not pairs:
            continue
        fixes = [(x, y, _fix(x, y, arrays, targets)) for x, y in pairs]
        fixed = [f for f in fixes if f[2]]
        chosen = fixed or fixes
        if len({(x[1], y[1]) for x, y, _ in chosen}) > 1:
            return None  # several shapes fail alike: too unsure to tell
        x, y, fix = chosen[0]
        left, right, where = _inner(x[1], y[1])
        xl, yl = _label(*x, arrays), _label(*y, arrays)
        xname = xl.split(" ", 1)[0] if xl.startswith("`") else "the left factor"
        yname = yl.split(" ", 1)[0] if yl.startswith("`") else "the right factor"
        return (f"Shapes: {joint.format(x=xl, y=yl)} does not line up: {xname} ends in {left} but the {where} "
                f"size of {yname} is {right} (in `A @ B` the last size of `A` must equal the first size of `B`)."
                f"{fix}")
    return None


def broadcast_story(message, arrays) -> str | None:
    """Words for an elementwise operation whose shapes do not broadcast, or ``None``."""
    found = re.findall(r"\(([\d,\s]*)\)", message.split("shapes", 1)[-1])
    shapes = [tuple(int(d) for d in s.replace(" ", "").split(",") if d) for s in found]
    if len(shapes) < 2:
        return None
    words = [_label(next((n for n, s in arrays if s == shape), ""), shape, arrays) for shape in shapes[:2]]
    text = (f"Shapes: {words[0]} and {words[1]} cannot be combined entry by entry: compared from the "
            f"right, each pair of sizes must be equal or contain a 1.")
    a, b = shapes[:2]
    if len(a) > 1 and a == _transposed(b):
        text += " One is the transpose of the other."
    elif _row_against_column(a, b) or _row_against_column(b, a):
        text += (" The 1-D one has one entry per row, but NumPy lines a 1-D array up with the columns: make it "
                 "a column with `keepdims=True` or `[:, None]`.")
    return text


def _row_against_column(a, b) -> bool:
    """``a`` is 1-D with as many entries as ``b`` (2-D) has rows, not columns: it was meant as a column."""
    return len(a) == 1 and len(b) == 2 and b[0] == a[0] != b[1]


def story(message: str, params, args, expected) -> str | None:
    """A sentence on the shapes behind an exception's ``message``, in the question's own names.

    ``params``/``args``: the question's parameter names and the trial's inputs;
    ``expected``: the right answer (plain), whose shapes a suggested fix must produce.
    """
    arrays = named_arrays(params, args)
    if not arrays:
        return None
    text = message.lower()
    if "matmul" in text or "not aligned" in text:
        targets = {leaf.shape for _, leaf in leaves(expected)} if expected is not None else set()
        return matmul_story(message.strip(), arrays, targets)
    if "could not be broadcast" in text:
        return broadcast_story(message, arrays)
    return None
