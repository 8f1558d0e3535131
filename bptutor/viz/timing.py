"""Timing the same computation written several ways, and drawing the speed-up (lesson 05).

Timings depend on the machine and its load, so the lessons print them only in
cells whose output is not compared, and state ratios by order of magnitude.
What does not depend on the machine -- how many times a computation calls the
loss -- is counted with :func:`counted`.
"""
from __future__ import annotations

import functools
import time

import numpy as np

from . import style


def counted(fn):
    """``fn`` wrapped so that it counts its calls: ``wrapped.calls`` (starts at 0).

    Lesson 05 counts the forward passes a central-difference gradient makes (``2P``
    for ``P`` parameters) -- a number that, unlike a timing, is the same on every machine.
    """
    if not callable(fn):
        raise ValueError(f"counted needs a callable; got {type(fn).__name__}")

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        wrapped.calls += 1
        return fn(*args, **kwargs)

    wrapped.calls = 0
    return wrapped


def best_time(fn, repeat=5, min_seconds=0.05, max_seconds=2.0):
    """Best wall-clock seconds per call of ``fn()`` over ``repeat`` rounds.

    Each round calls ``fn`` enough times to last about ``min_seconds`` (fast
    functions are called many times, like ``timeit``); the best round is the one
    least disturbed by other work on the machine. Stops early once ``max_seconds``
    have been spent, so a slow function costs at most a few calls.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1; got {repeat}")
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, int(min_seconds / once))
    best = once
    spent = once
    for _ in range(repeat):
        if spent > max_seconds:
            break
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        spent += elapsed
        best = min(best, elapsed / number)
    return best


def time_forms(forms, repeat=5, max_seconds=2.0):
    """``{name: seconds per call}`` for every ``name: fn`` in ``forms`` (see :func:`best_time`)."""
    if not forms:
        raise ValueError("forms is empty; give {name: zero-argument callable}")
    return {name: best_time(fn, repeat=repeat, max_seconds=max_seconds) for name, fn in forms.items()}


def speedups(times, baseline=None):
    """``{name: times[baseline] / times[name]}``; the baseline defaults to the slowest form."""
    if not times:
        raise ValueError("times is empty")
    baseline = baseline or max(times, key=times.get)
    if baseline not in times:
        raise ValueError(f"baseline {baseline!r} is not one of {list(times)}")
    return {name: times[baseline] / t for name, t in times.items()}


def plot_times(times, ax=None, unit="ms"):
    """Horizontal bars of seconds per call (log scale), labelled with the speed-up over the slowest.

    ``times``: ``{name: seconds}`` from :func:`time_forms`, slowest first is easiest
    to read. Returns the ``Axes``.
    """
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}.get(unit)
    if scale is None:
        raise ValueError(f"unit must be 's', 'ms' or 'us'; got {unit!r}")
    if ax is None:
        _, ax = style.figure(height=1.2 + 0.55 * len(times))
    names = list(times)
    values = np.array([times[n] for n in names]) * scale
    ups = speedups(times)
    y = np.arange(len(names))[::-1]
    ax.barh(y, values, color=[f"C{i}" for i in range(len(names))])
    ax.set_xscale("log")
    ax.set_yticks(y, names)
    for yi, name, v in zip(y, names, values):
        ax.text(v * 1.15, yi, f"{v:.3g} {unit}  ({ups[name]:,.0f}x)", va="center")
    ax.set_xlim(values.min() / 3, values.max() * 12)
    ax.set_xlabel(f"time per call ({unit}, log scale)")
    return ax
