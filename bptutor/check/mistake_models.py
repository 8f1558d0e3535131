"""Mistake models as data: what one specific wrong implementation returns for a trial.

A model is a function of a :class:`Case` -- the trial, private copies of its inputs, the
expected value and the student's value, all plain numbers -- returning the value the
wrong implementation would produce (or ``None`` when it does not apply). When a
student's outputs agree with a model on every trial and the model differs from the
right answer on at least one, the feedback names that mistake
(:func:`bptutor.check.diagnose.match_model`). The helpers below build the common
models; each assignment's models live in its twin under :mod:`bptutor.check.answers`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..trials import Trial


@dataclass(frozen=True)
class Case:
    """One judged trial, as the mistake models see it."""

    trial: Trial
    args: tuple
    kwargs: dict
    expected: object
    got: object


def _negate(value):
    return [_negate(v) for v in value] if isinstance(value, list) else -value


def flipped(case: Case):
    """The right answer with its sign flipped (every output)."""
    return _negate(case.expected)


def scaled(factor: float):
    """A model: the right answer times ``factor`` (every output)."""
    def model(case: Case):
        def go(v):
            return [go(x) for x in v] if isinstance(v, list) else v * factor
        return go(case.expected)
    model.__name__ = f"scaled_by_{factor:g}"
    return model


def computed(compute):
    """A model that recomputes from the inputs alone: ``compute(*args, **kwargs)``."""
    def model(case: Case):
        return compute(*case.args, **case.kwargs)
    model.__name__ = getattr(compute, "__name__", "computed")
    return model


def rearranged(pick):
    """A model that rearranges the right answer's items: ``pick(expected)`` (swapped or missing outputs)."""
    def model(case: Case):
        return pick(case.expected)
    return model
