"""Pictures for lesson 01: how good a finite-difference derivative is.

* :func:`difference_quotients` -- forward ``(f(x+h) - f(x)) / h`` and central
  ``(f(x+h) - f(x-h)) / 2h`` quotients, computed in a chosen float type.
* :func:`step_errors` -- their absolute errors against the exact derivative,
  for many steps ``h``.
* :func:`best_step` -- the step with the smallest error.
* :func:`plot_step_errors` -- the log-log error-vs-h curve: on the right the
  truncation error (slope 1 for forward, 2 for central, from Taylor's formula),
  on the left the round-off error (slope -1), the best ``h`` where they meet.
* :func:`plot_relative_errors` -- relative errors as bars over the bands of
  :data:`bptutor.gradcheck.BANDS`.
* :func:`step_widget` -- a slider over ``log10 h`` drawing the two secant lines
  against the tangent.
"""
from __future__ import annotations

import numpy as np

from ..gradcheck import BANDS
from . import style


def default_steps(n: int = 121) -> np.ndarray:
    """``n`` steps ``h`` spaced evenly in ``log10`` from ``1e-16`` to ``1e-1``."""
    return np.logspace(-16, -1, n)


def difference_quotients(fun, x0: float, h: float, dtype=np.float64) -> tuple[float, float]:
    """Forward and central difference quotients of ``fun`` at ``x0`` with step ``h``.

    Every number is first cast to ``dtype`` (``np.float64`` or ``np.float32``) and
    ``fun`` must keep that type (NumPy ufuncs do), so the round-off is that of
    ``dtype``. Returns ``(forward, central)`` as Python floats.
    """
    x = dtype(x0)
    h = dtype(h)
    f_x, f_plus, f_minus = fun(x), fun(x + h), fun(x - h)
    forward = (f_plus - f_x) / h
    central = (f_plus - f_minus) / (dtype(2) * h)
    return float(forward), float(central)


def step_errors(fun, dfun, x0: float, hs=None, dtype=np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Absolute errors of the forward and central quotients for every step in ``hs``.

    ``dfun`` is the exact derivative (evaluated in float64). Returns
    ``(hs, forward_errors, central_errors)``, three arrays of shape ``(len(hs),)``.
    """
    hs = default_steps() if hs is None else np.asarray(hs, dtype=np.float64)
    if hs.ndim != 1 or hs.size == 0 or np.any(hs <= 0):
        raise ValueError(f"hs must be a 1-D array of positive steps; got {hs!r}")
    exact = float(dfun(np.float64(x0)))
    fwd = np.empty(hs.size)
    cen = np.empty(hs.size)
    for i, h in enumerate(hs):
        forward, central = difference_quotients(fun, x0, h, dtype)
        fwd[i] = abs(forward - exact)
        cen[i] = abs(central - exact)
    return hs, fwd, cen


def best_step(hs, errors) -> tuple[float, float]:
    """``(h, error)`` at the smallest error (the first one if several tie)."""
    errors = np.asarray(errors, dtype=np.float64)
    i = int(np.argmin(errors))
    return float(np.asarray(hs)[i]), float(errors[i])


def _floor(errors: np.ndarray) -> np.ndarray:
    # an exact hit (error 0) cannot be drawn on a log axis; show it at 1e-17
    return np.maximum(errors, 1e-17)


def plot_step_errors(fun, dfun, x0: float, hs=None, dtypes=(np.float64,), ax=None, title=None):
    """Log-log plot of the forward and central difference errors against ``h``.

    One pair of curves per float type in ``dtypes`` (solid float64, dashed
    float32); the best step of each curve is marked and written in the legend.
    Dotted guide lines show slopes 1 and 2 (truncation) and -1 (round-off).
    Returns the Figure.
    """
    if ax is None:
        fig, ax = style.figure(height=4.8)
    else:
        fig = ax.figure
    styles = {np.float64: "-", np.float32: "--"}
    colors = {"forward": "tab:orange", "central": "tab:blue"}
    for dtype in dtypes:
        hs, fwd, cen = step_errors(fun, dfun, x0, hs, dtype)
        name = np.dtype(dtype).name
        for label, err in (("forward", fwd), ("central", cen)):
            h_best, e_best = best_step(hs, err)
            ax.loglog(hs, _floor(err), styles.get(dtype, ":"), color=colors[label], lw=1.5,
                      label=f"{label}, {name}: best h ≈ 1e{np.log10(h_best):.0f}")
            ax.loglog([h_best], [max(e_best, 1e-17)], "o", color=colors[label], ms=6)
    h_guide = np.logspace(-4, -1, 10)
    ax.loglog(h_guide, 0.3 * h_guide, ":", color="0.4", lw=1)
    ax.text(h_guide[-1], 0.3 * h_guide[-1], " O(h)", va="center")
    ax.loglog(h_guide, 0.05 * h_guide ** 2, ":", color="0.4", lw=1)
    ax.text(h_guide[-1], 0.05 * h_guide[-1] ** 2, " O(h²)", va="center")
    h_round = np.logspace(-15, -11, 10)
    ax.loglog(h_round, 1e-16 / h_round, ":", color="0.4", lw=1)
    ax.text(h_round[0], 1e-16 / h_round[0], "O(ε/h) ", ha="right", va="center")
    ax.set_xlabel("step h")
    ax.set_ylabel("|numerical − exact derivative|")
    ax.set_ylim(1e-17, 10)
    ax.set_title(title or "Round-off (left) vs truncation (right)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    ax.grid(True, which="major", alpha=0.3)
    return fig


def plot_relative_errors(named_errors: dict, ax=None):
    """Horizontal bars of relative errors (log scale) over the bands of ``gradcheck.BANDS``.

    ``named_errors``: ``{label: relative error}``. Returns the Figure.
    """
    if not named_errors:
        raise ValueError("named_errors is empty; pass {label: relative error}")
    labels = list(named_errors)
    errs = np.maximum(np.array([float(named_errors[k]) for k in labels]), 1e-18)
    if ax is None:
        fig, ax = style.figure(height=0.55 * len(labels) + 1.9)
    else:
        fig = ax.figure
    lo = 1e-18
    band_colors = ("#d8f0d8", "#eef6d0", "#fbe8c8", "#f6d0d0")
    band_names = ("excellent", "fine", "suspicious", "wrong")
    for (limit, _), color, name in zip(BANDS, band_colors, band_names):
        hi = min(limit, 1e1)
        ax.axvspan(lo, hi, color=color, zorder=0)
        ax.text(np.sqrt(lo * hi), 1.01, f"{name}\n< {limit:.0e}" if np.isfinite(limit) else name,
                transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=10)
        lo = hi
    ax.barh(range(len(labels)), errs, color="0.35", height=0.5, zorder=2)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xscale("log")
    ax.set_xlim(1e-18, 1e1)
    ax.set_ylim(-0.6, len(labels) - 0.1)
    ax.invert_yaxis()
    ax.set_xlabel("relative error  max|a − b| / max(|a| + |b|, 1e-8)")
    return fig


def plot_secants(fun, dfun, x0: float, h: float, ax=None, window: float = 1.0):
    """Draw ``fun`` near ``x0`` with its tangent and the forward and central secants of step ``h``.

    Returns the Figure; the title gives both quotients and their errors.
    """
    if ax is None:
        fig, ax = style.figure(height=4.2)
    else:
        fig = ax.figure
    xs = np.linspace(x0 - window, x0 + window, 200)
    exact = float(dfun(x0))
    forward, central = difference_quotients(fun, x0, h)
    f0 = float(fun(x0))
    ax.plot(xs, fun(xs), color="k", lw=2, label="f")
    ax.plot(xs, f0 + exact * (xs - x0), color="tab:green", lw=1.2, label="tangent (exact)")
    ax.plot(xs, f0 + forward * (xs - x0), "--", color="tab:orange", lw=1.2, label="forward secant")
    ax.plot(xs, float(fun(x0 - h)) + central * (xs - x0 + h), "--", color="tab:blue", lw=1.2,
            label="central secant")
    ax.plot([x0 - h, x0, x0 + h], [fun(x0 - h), f0, fun(x0 + h)], "o", color="0.3", ms=4)
    ax.set_title(f"h = {h:.2g}: forward error {abs(forward - exact):.1e}, "
                 f"central error {abs(central - exact):.1e}")
    ax.set_xlabel("z")
    ax.set_ylabel("f(z)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig


def step_widget(fun, dfun, x0: float, log10_h: float = -0.5):
    """A slider over ``log10 h`` in [-2, 0] that redraws :func:`plot_secants`.

    Returns an ``ipywidgets.VBox`` (the slider, then the picture); its ``last_drawn`` dict
    holds the step and the two quotients last drawn.
    """
    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=log10_h, min=-2.0, max=0.0, step=0.1, description="log10 h")
    image = style.picture()
    box = widgets.VBox([slider, image])
    box.last_drawn = {}

    def redraw(change=None):
        h = 10.0 ** slider.value
        forward, central = difference_quotients(fun, x0, h)
        box.last_drawn.update(h=h, forward=forward, central=central)
        image.value = style.png(plot_secants(fun, dfun, x0, h))

    slider.observe(redraw, names="value")
    redraw()
    return box
