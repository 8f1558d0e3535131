"""The runners of assignment a7: a student's ``Value`` class tried on expression graphs.

Students write a scalar reverse-mode engine, micrograd-style: a class ``Value`` whose
``__add__``, ``__mul__``, ``__pow__`` (a number exponent), ``tanh`` and ``backward`` are
five questions (ids ``Value.__add__`` ... ``Value.backward``; ``check.Value(Value)`` checks
them all). The right answers are in the parent-only twin
:mod:`bptutor.check.answers.a7_autodiff`; nothing here knows one.

**A trial is an expression graph**, described by plain data: a tuple of *steps*, one per
node ``n0, n1, ...`` in the order they are computed, the last one the output::

    ("leaf", 0.7)        n_k = Value(0.7)
    ("add", i, j)        n_k = n_i + n_j      (i == j: one node used twice)
    ("add_num", i, c)    n_k = n_i + c        ("num_add", c, i): n_k = c + n_i
    ("mul", i, j)        n_k = n_i * n_j      ("mul_num", i, c), ("num_mul", c, i) likewise
    ("pow", i, k)        n_k = n_i ** k       (k a plain number)
    ("tanh", i)          n_k = n_i.tanh()

Graphs are drawn fresh for every check: a node used twice in one operation, a leaf feeding
several expressions, plain numbers on either side, a chain of 50+ nodes, random data.

**The runners** build a graph with the student's class and return numbers only (the
``data`` and ``grad`` of every node ``n_k``, read with ``float()`` after a type check).
Each method is judged as independently of the others as the class allows:

* :func:`run_add`, :func:`run_mul`, :func:`run_pow`, :func:`run_tanh` compute the steps of
  the method under test with the student's method (its forward value, the children it
  records in ``_prev`` and the closure it leaves in ``_backward``). Every other step is a
  *trusted* node: an instance of the student's class made by its constructor, whose
  ``_backward`` the runner installs itself. The backward pass is the runner's own too
  (:func:`topological_order` over ``_prev``, the output's ``grad`` set to 1, each node's
  ``_backward`` called once, from the output back), so a broken ``backward`` method -- or a
  broken ``__mul__`` -- cannot sink the ``__add__`` question.
* :func:`run_backward` builds the whole graph from trusted nodes and calls the student's
  ``backward()`` on the output: only the order of the walk and the seeding are the
  student's.

This module is imported inside the grader's sandbox: it imports nothing but numpy and the
registry's plain data types.
"""
from __future__ import annotations

import math

import numpy as np

#: the steps each graded operation computes (all other steps are trusted nodes)
STEPS_OF = {"add": ("add", "add_num", "num_add"), "mul": ("mul", "mul_num", "num_mul"),
            "pow": ("pow",), "tanh": ("tanh",)}
#: how far a runner follows ``_prev`` before it calls the graph runaway
MAX_NODES = 100_000


class EngineError(Exception):
    """Building or walking a graph of the student's Values went wrong; the message says where."""


# --------------------------------------------------------------------------- reading numbers
def _type_name(value) -> str:
    return type(value).__name__


def as_number(value, where: str) -> float:
    """``float(value)`` for a plain number (int, float, numpy number); ``EngineError`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not (
            type(value) in (int, float) or isinstance(value, (np.integer, np.floating))):
        hint = (" Gradients and data are plain floats: in _backward multiply numbers "
                "(other.data * out.grad), not Values." if hasattr(value, "_backward") else "")
        raise EngineError(f"{where} is a {_type_name(value)}, not a number.{hint}")
    return float(value)


def _numbers(nodes, attr: str) -> np.ndarray:
    return np.array([as_number(getattr(node, attr, None), f"n{k}.{attr}") for k, node in enumerate(nodes)],
                    dtype=np.float64)


# --------------------------------------------------------------------------- describing a graph
def _num(c) -> str:
    return f"{c:.3g}" if c >= 0 else f"({c:.3g})"


def describe_step(k: int, step) -> str:
    """``"n3 = n0 + n0"``: one step in words."""
    op = step[0]
    if op == "leaf":
        return f"n{k} = Value({step[1]:.3g})"
    if op in ("add", "mul"):
        return f"n{k} = n{step[1]} {'+' if op == 'add' else '*'} n{step[2]}"
    if op in ("add_num", "mul_num"):
        return f"n{k} = n{step[1]} {'+' if op == 'add_num' else '*'} {_num(step[2])}"
    if op in ("num_add", "num_mul"):
        return f"n{k} = {_num(step[1])} {'+' if op == 'num_add' else '*'} n{step[2]}"
    if op == "pow":
        return f"n{k} = n{step[1]} ** {_num(step[2])}"
    if op == "tanh":
        return f"n{k} = n{step[1]}.tanh()"
    raise ValueError(f"unknown step {step!r}")


def describe(steps, limit: int = 24) -> str:
    """The steps in words; a long graph shows its first and last steps."""
    lines = [describe_step(k, s) for k, s in enumerate(steps)]
    if len(lines) > limit:
        lines = lines[: limit // 2] + [f"... ({len(lines) - limit} more)"] + lines[-(limit // 2):]
    return "; ".join(lines)


# --------------------------------------------------------------------------- building a graph
def _operands(step):
    """The node indices a step reads."""
    op = step[0]
    if op in ("add", "mul"):
        return (step[1], step[2])
    if op in ("add_num", "mul_num", "pow", "tanh"):
        return (step[1],)
    if op in ("num_add", "num_mul"):
        return (step[2],)
    return ()


def _new(cls, data, children=(), op=""):
    """An instance of the student's class, made by its own constructor."""
    try:
        return cls(data, tuple(children), op) if children or op else cls(data)
    except (NotImplementedError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's constructor, reported
        call = f"Value({data:.3g})" if not (children or op) else f"Value({data:.3g}, children, {op!r})"
        raise EngineError(f"{call} raised {explain(exc)} Keep the supplied __init__(self, data, "
                          f"_children=(), _op='') as it was given.") from None


def _trusted(cls, step, nodes):
    """A node of the student's class computing ``step`` with a closure the runner installs."""
    op = step[0]
    ins = [nodes[i] for i in _operands(step)]
    x = [as_number(getattr(n, "data", None), f"n{i}.data") for n, i in zip(ins, _operands(step))]
    local: tuple[float, ...]
    try:
        if op == "add":
            value, local = x[0] + x[1], (1.0, 1.0)
        elif op == "mul":
            value, local = x[0] * x[1], (x[1], x[0])
        elif op == "add_num":
            value, local = x[0] + step[2], (1.0,)
        elif op == "num_add":
            value, local = step[1] + x[0], (1.0,)
        elif op == "mul_num":
            value, local = x[0] * step[2], (step[2],)
        elif op == "num_mul":
            value, local = step[1] * x[0], (step[1],)
        elif op == "pow":
            k, base = step[2], abs(x[0]) if not float(step[2]).is_integer() else x[0]
            value = base ** k if base != 0 or k > 0 else math.inf  # data already wrong upstream: never raise
            local = (k * base ** (k - 1) if base != 0 or k >= 1 else math.inf,)
        elif op == "tanh":
            value = math.tanh(x[0])
            local = (1.0 - value * value,)
        else:
            raise ValueError(f"unknown step {step!r}")
    except OverflowError:  # only when the data is already wrong upstream: never raise here
        value, local = math.inf, (math.inf,) * len(ins)
    out = _new(cls, value, ins, {"add": "+", "add_num": "+", "num_add": "+", "mul": "*", "mul_num": "*",
                                 "num_mul": "*", "pow": "**", "tanh": "tanh"}[op])
    k_out = len(nodes)

    def _backward():  # the chain rule with the right local derivative: child.grad += local * out.grad
        g = as_number(out.grad, f"n{k_out}.grad")
        for node, i, d in zip(ins, _operands(step), local):
            node.grad = as_number(node.grad, f"n{i}.grad") + d * g
    out._backward = _backward
    return out


_WRAP = (" A plain number must be wrapped first: other = other if isinstance(other, Value) "
         "else Value(other).")


def explain(exc) -> str:
    """``"TypeError: ..."`` for an exception from the student's code, with a hint for the usual causes."""
    msg = str(exc)
    text = f"{_type_name(exc)}: {msg}"
    if isinstance(exc, AttributeError) and ("'float' object" in msg or "'int' object" in msg):
        return text + "." + _WRAP
    if isinstance(exc, AttributeError) and "has no attribute" in msg:
        return text + ". The class must define it: keep every def line of the released stub."
    if isinstance(exc, RecursionError):
        return (text + ". A method that calls itself (e.g. self + other inside __add__) never stops: "
                "compute with the numbers self.data and other.data.")
    if isinstance(exc, TypeError) and "unsupported operand" in msg:
        return (text + ". Either the class lacks this operator (__add__, __mul__, __pow__; the supplied "
                "__radd__ and __rmul__ for a number on the left), or numbers and Values were mixed: compute "
                "out.data from numbers (self.data, other.data).")
    if isinstance(exc, TypeError) and "must be real number" in msg:
        return (f"{_type_name(exc)}: a math function was given something that is not a number. Pass numbers, "
                f"e.g. math.tanh(self.data), not the Value itself.")
    return text + "."


def _student(cls, step, nodes):
    """The node the student's method computes for ``step`` (checked to be a fresh Value)."""
    op, k = step[0], len(nodes)
    ins = [nodes[i] for i in _operands(step)]
    try:
        if op == "add":
            out = ins[0] + nodes[step[2]]
        elif op == "add_num":
            out = ins[0] + step[2]
        elif op == "num_add":
            out = step[1] + ins[0]
        elif op == "mul":
            out = ins[0] * nodes[step[2]]
        elif op == "mul_num":
            out = ins[0] * step[2]
        elif op == "num_mul":
            out = step[1] * ins[0]
        elif op == "pow":
            out = ins[0] ** step[2]
        elif op == "tanh":
            out = ins[0].tanh()
        else:
            raise ValueError(f"unknown step {step!r}")
    except (NotImplementedError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's method, reported with the step it failed on
        raise EngineError(f"computing {describe_step(k, step)} raised {explain(exc)}") from None
    if not isinstance(out, cls):
        raise EngineError(f"{describe_step(k, step)} returned a {_type_name(out)}, not a Value: an operation "
                          f"returns a new Value, e.g. out = Value(self.data + other.data, (self, other), '+').")
    if any(out is n for n in nodes):
        same = next(i for i, n in enumerate(nodes) if n is out)
        raise EngineError(f"{describe_step(k, step)} returned an existing node (n{same}) instead of a new "
                          f"Value: an operation must not change its operands in place.")
    as_number(getattr(out, "data", None), f"n{k}.data (from {describe_step(k, step)})")
    return out


def build(cls, steps, mine=()):
    """The nodes of ``steps`` as instances of ``cls``.

    Steps whose op is in ``mine`` are computed by the student's methods, every other one is a
    trusted node.
    """
    nodes: list = []
    for step in steps:
        if step[0] == "leaf":
            node = _new(cls, step[1])
        elif step[0] in mine:
            node = _student(cls, step, nodes)
        else:
            node = _trusted(cls, step, nodes)
        nodes.append(node)
    return nodes


# --------------------------------------------------------------------------- the runner's own backward pass
def _children(cls, node, index, where):
    prev = getattr(node, "_prev", ())
    if not isinstance(prev, (tuple, list, set, frozenset)):
        raise EngineError(f"{where}._prev is a {_type_name(prev)}; it must hold the Values the node was computed "
                          f"from (a tuple or set, as the supplied __init__ makes it).")
    kids = [c for c in prev if isinstance(c, cls)]
    # a fixed order (the order the check built the nodes in), so that every run walks the same way
    kids.sort(key=lambda c: index.get(id(c), len(index)))
    return kids


def topological_order(cls, out, nodes) -> list:
    """Every node reachable from ``out`` through ``_prev``, each after all of its children.

    Depth-first, children in the order the check created them, each node once (a visited
    set); iterative, so a long chain needs no recursion.
    """
    index = {id(n): k for k, n in enumerate(nodes)}

    def name(n):
        return f"n{index[id(n)]}" if id(n) in index else "a node made inside your method"
    order, seen = [], {id(out)}
    stack = [(out, iter(_children(cls, out, index, name(out))))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) not in seen:
                seen.add(id(child))
                if len(seen) > MAX_NODES:
                    raise EngineError(f"following _prev from the output reaches more than {MAX_NODES} nodes: "
                                      f"_prev must hold only the operands of each operation.")
                stack.append((child, iter(_children(cls, child, index, name(child)))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _run_backward_closures(cls, nodes):
    """The runner's backward pass: seed the output, then every node's ``_backward`` once, output first."""
    index = {id(n): k for k, n in enumerate(nodes)}
    out = nodes[-1]
    out.grad = 1.0
    for node in reversed(topological_order(cls, out, nodes)):
        where = f"n{index[id(node)]}" if id(node) in index else "a node made inside your method"
        fn = getattr(node, "_backward", None)
        if not callable(fn):
            raise EngineError(f"{where}._backward is a {_type_name(fn)}, not a function.")
        try:
            fn()
        except (NotImplementedError, MemoryError, EngineError):
            raise
        except Exception as exc:  # noqa: BLE001 -- the student's closure
            raise EngineError(f"{where}._backward() raised {explain(exc)}") from None


def _check_class(cls):
    if not isinstance(cls, type):
        raise EngineError(f"check.Value expects the class itself (check.Value(Value)), got a {_type_name(cls)}.")


def _run_operation(cls, steps, family):
    _check_class(cls)
    nodes = build(cls, steps, STEPS_OF[family])
    _run_backward_closures(cls, nodes)
    return [_numbers(nodes, "data"), _numbers(nodes, "grad")]


def run_add(cls, steps):
    """``[data, grad]`` of every node, ``+`` by the student's ``__add__``, the rest trusted (see the module)."""
    return _run_operation(cls, steps, "add")


def run_mul(cls, steps):
    """``[data, grad]`` of every node, ``*`` by the student's ``__mul__``, the rest trusted."""
    return _run_operation(cls, steps, "mul")


def run_pow(cls, steps):
    """``[data, grad]`` of every node, ``**`` by the student's ``__pow__``, the rest trusted."""
    return _run_operation(cls, steps, "pow")


def run_tanh(cls, steps):
    """``[data, grad]`` of every node, ``tanh`` by the student's ``tanh``, the rest trusted."""
    return _run_operation(cls, steps, "tanh")


def run_backward(cls, steps):
    """``[grad]`` of every node after the student's ``backward()`` on a graph of trusted nodes."""
    _check_class(cls)
    nodes = build(cls, steps)
    method = getattr(nodes[-1], "backward", None)
    if not callable(method):
        raise EngineError("the class has no method backward().")
    try:
        method()
    except (NotImplementedError, MemoryError, EngineError):
        raise
    except Exception as exc:  # noqa: BLE001 -- the student's backward, reported
        if isinstance(exc, RecursionError):
            text = (f"{_type_name(exc)}: {exc}. A walk that never stops: keep a visited set so that each node "
                    f"is visited once (or sort the nodes with a loop and an explicit stack).")
        else:
            text = explain(exc)
        raise EngineError(f"backward() on the output n{len(nodes) - 1} raised {text}") from None
    return [_numbers(nodes, "grad")]
