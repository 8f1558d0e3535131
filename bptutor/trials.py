"""Trials: how a student's function is tried, and what comes back.

This is the one protocol shared by the student checks (which run a function in
the student's own kernel) and the instructor's grader (which runs it in a
sandboxed child process). A :class:`Trial` holds plain inputs; :func:`run_trial`
calls a function on private copies of them and returns an :class:`Outcome`
that holds only plain numbers (float64 arrays in nested lists), whatever the
function returned. Verdicts are computed from outcomes by trusted code
(:mod:`bptutor.check.judge`), never by the code under test.

This module imports nothing from the rest of ``bptutor`` so the grader's child
process can load it without loading the reference implementations.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

#: how deep / how long a returned tuple/list may nest before it is refused
MAX_DEPTH = 3
MAX_ITEMS = 64
#: largest array (in elements) accepted back from student code
MAX_ELEMENTS = 10_000_000


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class FunSpec:
    """A trusted scalar test function, described by plain data so it can cross a process boundary.

    ``kind="sin_quartic"``: ``f(x) = sum(sin(C * x)) + sum(D * x**4)`` with arrays
    ``C``, ``D`` shaped like ``x``. The quartic term has enough curvature that a
    forward difference is off by ~1e-5 where a central one is exact to ~1e-10.
    """

    kind: str
    params: dict

    def build(self):
        if self.kind == "sin_quartic":
            C = np.array(self.params["C"], dtype=np.float64)
            D = np.array(self.params["D"], dtype=np.float64)

            def fun(x):
                x = np.asarray(x, dtype=np.float64)
                return float(np.sum(np.sin(C * x)) + np.sum(D * x ** 4))

            return fun
        raise ValueError(f"unknown test-function kind {self.kind!r}")

    def gradient(self, x):
        """The exact gradient at ``x`` (used by the judge as an independent oracle)."""
        C = np.asarray(self.params["C"], dtype=np.float64)
        D = np.asarray(self.params["D"], dtype=np.float64)
        x = np.asarray(x, dtype=np.float64)
        return C * np.cos(C * x) + 4.0 * D * x ** 3

    def describe(self) -> str:
        return "f(x) = sum(sin(C*x)) + sum(D*x**4)"


@dataclass
class Trial:
    """One call of a function under test.

    ``args``/``kwargs`` hold plain values: float64 arrays, Python numbers, lists of
    arrays (a network's weights) or a :class:`FunSpec`. ``label`` says in words what
    the trial is ("a batch of 5 examples, W of shape (3, 4)"). When ``then_call`` is
    set, the function must return a callable, which is then called with those
    arguments (a6: ``train_mlp`` returns ``predict``). ``secret`` holds what only
    the judge sees (held-out labels).
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    then_call: tuple | None = None
    secret: dict = field(default_factory=dict)

    def materialize(self):
        """Fresh private copies of the inputs, with :class:`FunSpec` turned into callables."""
        def build(v):
            if isinstance(v, FunSpec):
                return v.build()
            return copy.deepcopy(v)
        return tuple(build(a) for a in self.args), {k: build(v) for k, v in self.kwargs.items()}


# --------------------------------------------------------------------------- outputs
class UnsupportedValue(Exception):
    """A returned value that is not numbers (it is described, never trusted)."""


def describe_type(value, depth=0) -> str:
    """A short description of a value's type, e.g. ``tuple(ndarray(5, 3) float64, float)``."""
    if isinstance(value, np.ndarray):
        return f"ndarray{value.shape} {value.dtype}"
    if isinstance(value, (tuple, list)) and depth < MAX_DEPTH:
        inner = ", ".join(describe_type(v, depth + 1) for v in list(value)[:6])
        more = ", ..." if len(value) > 6 else ""
        return f"{type(value).__name__}({inner}{more})"
    return type(value).__name__


def to_plain(value, depth=0):
    """Convert a returned value to plain numbers: float64 arrays (0-d for scalars) in nested lists.

    Only real ``ndarray`` objects, Python/NumPy numbers and tuples/lists of them are
    accepted; anything else (a matrix subclass, a string, an object with a clever
    ``__array__``) raises :class:`UnsupportedValue`.
    """
    if type(value) is np.ndarray:  # noqa: E721 -- subclasses are refused on purpose
        if value.dtype.kind not in "biuf":
            raise UnsupportedValue(f"an array of dtype {value.dtype}, not numbers")
        if value.size > MAX_ELEMENTS:
            raise UnsupportedValue(f"an array of {value.size} elements (too large)")
        return np.array(value, dtype=np.float64, copy=True)
    if isinstance(value, (bool, np.bool_)):
        raise UnsupportedValue("a bool, not a number")
    if type(value) in (int, float) or isinstance(value, (np.integer, np.floating)):
        return np.array(float(value), dtype=np.float64)
    if type(value) in (tuple, list):
        if depth >= MAX_DEPTH:
            raise UnsupportedValue("lists nested too deeply")
        if len(value) > MAX_ITEMS and all(
                type(v) in (int, float) or isinstance(v, (np.integer, np.floating)) for v in value):
            return np.array([float(v) for v in value], dtype=np.float64)  # e.g. a list of labels
        if len(value) > MAX_ITEMS:
            raise UnsupportedValue(f"a {type(value).__name__} of {len(value)} items (too many)")
        return [to_plain(v, depth + 1) for v in value]
    raise UnsupportedValue(f"a {type(value).__name__}")


@dataclass
class Outcome:
    """What came back from one trial: plain data only.

    ``status``: ``"ok"``, ``"not-implemented"`` (the stub still raises),
    ``"error"`` (it raised something else), ``"bad-return"`` (it returned
    something that is not numbers), ``"bad-signature"``, or -- set by the grader
    only -- ``"timeout"``, ``"memory"``, ``"crashed"``, ``"reference-called"``.
    ``value``: float64 arrays in nested lists (when ``status == "ok"``).
    ``returned``: a description of the returned value's type.
    ``mutated``: names of inputs the function changed in place.
    ``warnings``: warning messages raised during the call (e.g. overflow in exp).
    """

    status: str
    value: object = None
    returned: str = ""
    error: str = ""
    mutated: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _arrays_in(name, value):
    """Yield ``(label, array)`` for every array inside an argument (lists of weights included)."""
    if isinstance(value, np.ndarray):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _arrays_in(f"{name}[{i}]", v)


def signature_problem(fn, params) -> str | None:
    """Why ``fn`` cannot be called with the positional parameters ``params``, or ``None``."""
    if not callable(fn):
        return (f"expected a function, but got {describe_type(fn)}; pass the function itself, "
                f"e.g. check.name(name), without calling it")
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # builtins and C functions: let the call decide
    try:
        sig.bind(*params)
    except TypeError:
        wanted = ", ".join(params)
        return (f"the function takes ({', '.join(sig.parameters)}) but must accept ({wanted}); "
                f"check the parameter list")
    return None


#: runners (functions that try a class rather than call a function) must live here
RUNNER_PACKAGE = "bptutor.assignments."


def resolve_runner(dotted: str):
    """The runner function named ``package.module.function`` inside :data:`RUNNER_PACKAGE`."""
    if not isinstance(dotted, str) or not dotted.startswith(RUNNER_PACKAGE) or dotted.count(".") < 3:
        raise ValueError(f"a runner must be a function of a module in {RUNNER_PACKAGE}*, got {dotted!r}")
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_trial(fn, trial: Trial, names=None, runner: str | None = None) -> Outcome:
    """Call ``fn`` on private copies of the trial's inputs and return an :class:`Outcome`.

    ``names``: the parameter names (for reporting which input was mutated).
    ``runner``: the dotted name of a function ``runner(fn, *args, **kwargs)`` that tries
    ``fn`` (a class) in its own way and returns numbers; ``None`` calls ``fn`` itself.
    Exceptions from ``fn`` are caught and described; ``KeyboardInterrupt`` and
    ``SystemExit`` are not.
    """
    if runner is not None:
        tried, fn = fn, resolve_runner(runner)
        trial = Trial(trial.label, (tried, *trial.args), trial.kwargs, trial.then_call)
        names = ["(the class)", *(names or [])]
    args, kwargs = trial.materialize()
    names = list(names or [f"argument {i + 1}" for i in range(len(args))])
    names += [f"argument {i + 1}" for i in range(len(names), len(args))]
    pristine = [(label, a.copy()) for n, v in zip(names, args) for label, a in _arrays_in(n, v)]
    live = [a for n, v in zip(names, args) for _, a in _arrays_in(n, v)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                result = fn(*args, **kwargs)
                if trial.then_call is not None:
                    if not callable(result):
                        got = describe_type(result)
                        return Outcome("bad-return", returned=got,
                                       error=f"expected a function (predict) to be returned, got {got}")
                    result = result(*copy.deepcopy(trial.then_call))
            except NotImplementedError as exc:
                return Outcome("not-implemented", error=str(exc))
            except Exception as exc:  # the student's bug, reported, never raised
                return Outcome("error", error=f"{type(exc).__name__}: {exc}")
    mutated = [label for (label, before), after in zip(pristine, live)
               if before.shape != after.shape or not np.array_equal(before, after, equal_nan=True)]
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    returned = describe_type(result)
    try:
        value = to_plain(result)
    except UnsupportedValue as exc:
        return Outcome("bad-return", returned=returned, error=f"returned {exc}",
                       mutated=mutated, warnings=messages)
    return Outcome("ok", value=value, returned=returned, mutated=mutated, warnings=messages)


# --------------------------------------------------------------------------- transport
def encode_outcome(outcome: Outcome, arrays: dict, prefix: str) -> dict:
    """Turn an outcome into JSON-able data, moving arrays into ``arrays`` (saved with ``np.savez``)."""
    def enc(v, path):
        if isinstance(v, np.ndarray):
            key = f"{prefix}{path}"
            arrays[key] = v
            return {"array": key}
        return [enc(x, f"{path}_{i}") for i, x in enumerate(v)]
    data = asdict(outcome)
    data["value"] = None if outcome.value is None else enc(outcome.value, "")
    return data


def decode_outcome(data: dict, arrays) -> Outcome:
    """Inverse of :func:`encode_outcome`; ``arrays`` comes from ``np.load(..., allow_pickle=False)``.

    Trusts nothing: unknown keys, wrong types or missing arrays give an ``"error"`` outcome.
    """
    def dec(v, depth=0):
        if isinstance(v, dict) and set(v) == {"array"} and isinstance(v["array"], str):
            a = np.asarray(arrays[v["array"]], dtype=np.float64)
            return a
        if isinstance(v, list) and depth < MAX_DEPTH + 1:
            return [dec(x, depth + 1) for x in v]
        raise ValueError("malformed value")
    try:
        status = str(data["status"])
        value = None if data.get("value") is None else dec(data["value"])
        return Outcome(status, value, str(data.get("returned", ""))[:500],
                       str(data.get("error", ""))[:2000],
                       [str(m)[:200] for m in list(data.get("mutated", []))[:20]],
                       [str(w)[:300] for w in list(data.get("warnings", []))[:20]])
    except Exception as exc:  # noqa: BLE001
        return Outcome("error", error=f"the result could not be read back ({type(exc).__name__})")

