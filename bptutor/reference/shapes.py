"""Input validation shared by the reference implementations.

Every public reference function checks its arguments here first, so a wrong
shape fails with a ``ValueError`` that names the argument, the shape received
and the shape expected -- never a broadcasting error deep inside NumPy.
:func:`check_network` checks a whole network (an input, ``weights``, ``biases``)
at once.
"""
from __future__ import annotations

import numpy as np


def as_float_array(name: str, value, ndim: tuple[int, ...] | int | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array, checking its number of dimensions.

    ``ndim`` is an int or a tuple of allowed ints (``None``: any).
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a numeric array; got {type(value).__name__} that cannot be "
            f"converted to float64 ({exc})"
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got shape {arr.shape} ({arr.ndim}-D)")
    return arr


def require_shape(name: str, arr: np.ndarray, expected: tuple, why: str = "") -> None:
    """Raise ``ValueError`` unless ``arr.shape`` matches ``expected``.

    ``expected`` may contain ``None`` for "any size on this axis".
    """
    ok = arr.ndim == len(expected) and all(
        e is None or e == s for s, e in zip(arr.shape, expected)
    )
    if not ok:
        shown = "(" + ", ".join("any" if e is None else str(e) for e in expected)
        shown += ",)" if len(expected) == 1 else ")"
        extra = f" ({why})" if why else ""
        raise ValueError(f"{name} has shape {arr.shape}; expected {shown}{extra}")


def same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must match"
        )


def as_layer_list(name: str, values, ndim: int) -> list[np.ndarray]:
    """Validate a list of per-layer arrays (``weights`` or ``biases``)."""
    if isinstance(values, np.ndarray) or not hasattr(values, "__len__"):
        raise ValueError(
            f"{name} must be a list with one array per layer; got {type(values).__name__}"
        )
    if len(values) == 0:
        raise ValueError(f"{name} is empty; a network needs at least one layer")
    return [as_float_array(f"{name}[{i}]", v, ndim) for i, v in enumerate(values)]


def check_network(x, weights, biases, batch: bool | None = False):
    """Validate a network's parameters against its input; return ``(x, weights, biases)`` as float arrays.

    ``x``: one example ``(n_0,)`` (``batch=False``), a batch ``(N, n_0)`` (``batch=True``)
    or either (``batch=None``); ``weights[l]``: ``(n_l, n_{l+1})``; ``biases[l]``:
    ``(n_{l+1},)``. Raises ``ValueError`` naming the first layer whose shapes do not fit.
    """
    ndim = {False: 1, True: 2, None: (1, 2)}[batch]
    x = as_float_array("X" if batch else "x", x, ndim)
    weights = as_layer_list("weights", weights, 2)
    biases = as_layer_list("biases", biases, 1)
    if len(weights) != len(biases):
        raise ValueError(
            f"weights has {len(weights)} layers but biases has {len(biases)}; give one bias per layer"
        )
    n_prev = x.shape[-1]
    for l, (W, b) in enumerate(zip(weights, biases)):
        require_shape(f"weights[{l}]", W, (n_prev, None),
                      f"its rows must match the {n_prev} outputs of the layer below")
        require_shape(f"biases[{l}]", b, (W.shape[1],), f"weights[{l}] has {W.shape[1]} columns")
        n_prev = W.shape[1]
    return x, weights, biases
