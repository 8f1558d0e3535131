"""Lessons and solutions import only bptutor's public API.

A notebook is course material a reader copies from: what it imports is what the package
promises to keep. This test reads every code cell of ``lessons/`` and ``solutions/``, finds
every ``import bptutor...`` / ``from bptutor... import ...`` and every attribute chain on a
name bound to a bptutor module (``reference.matrix.mlp_forward``), and fails when one reaches

* a module outside the public set: ``bptutor``, ``bptutor.reference``, ``bptutor.gradcheck``,
  ``bptutor.check``, ``bptutor.quiz``, ``bptutor.data``, ``bptutor.viz`` and its modules,
  ``bptutor.assignments`` and its modules, and the submodules of ``bptutor.reference``
  listed in ``bptutor.reference.__all__`` (``init``, ``per_neuron``, ``layers``, ``autograd``);
* or a name that starts with ``_`` or is missing from its module's ``__all__`` (a module
  without ``__all__``: any name without a leading ``_``).

The failure names the notebook, the cell and the public name to use instead.

``KNOWN_EXCEPTIONS`` lists the private paths notebooks still use until their owners switch.
It is strict: an entry that no longer occurs fails the test too, so the list only shrinks.
"""
from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import types

import pytest
from helpers.paths import ROOT

import bptutor
from bptutor import reference

#: (notebook, dotted path it reaches) pairs allowed for now; each names its public replacement.
KNOWN_EXCEPTIONS: set = set()

#: private paths whose public replacement has another name
RENAMED = {
    "bptutor.reference.matrix.mlp_forward": "bptutor.reference.forward",
    "bptutor.reference.init._rng": "bptutor.reference.init.as_rng",
    "bptutor.assignments.A6_ACCURACY": "bptutor.assignments.a6_capstone.ACCURACY",
}

NOTEBOOKS = sorted(str(p.relative_to(ROOT)) for folder in ("lessons", "solutions")
                   for p in (ROOT / folder).glob("*.ipynb"))


def _submodules(package):
    if not hasattr(package, "__path__"):
        return []
    return [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
            if not m.name.startswith("_")]


def public_modules() -> set[str]:
    """The dotted names of the modules notebooks may import (see the module docstring)."""
    names = {"bptutor", "bptutor.reference", "bptutor.gradcheck", "bptutor.check", "bptutor.quiz",
             "bptutor.data", "bptutor.viz", "bptutor.assignments"}
    for package in ("bptutor.viz", "bptutor.assignments"):
        names.update(_submodules(importlib.import_module(package)))
    names.update(f"bptutor.reference.{n}" for n in reference.__all__
                 if isinstance(getattr(reference, n), types.ModuleType))
    return names


PUBLIC_MODULES = public_modules()


def _is_public_name(module, name):
    if name.startswith("_"):
        return False
    return name in module.__all__ if hasattr(module, "__all__") else True


def _attribute(module, name):
    """``module.name``, importing a submodule if needed; ``None`` if there is none."""
    try:
        return getattr(module, name)
    except AttributeError:
        pass
    try:
        return importlib.import_module(f"{module.__name__}.{name}")
    except ImportError:
        return None


def public_name_for(path: str) -> str:
    """The public dotted name to use instead of the private ``path`` (or what to do)."""
    if path in RENAMED:
        return RENAMED[path]
    module_name, _, name = path.rpartition(".")
    try:
        target = _attribute(importlib.import_module(module_name), name)
    except ImportError:
        target = None
    if isinstance(target, types.ModuleType):
        return "the names it exports through bptutor.reference (or ask for the module to be made public)"
    for candidate in ["bptutor.reference"] + sorted(PUBLIC_MODULES - {"bptutor.reference"}):
        module = importlib.import_module(candidate)
        for public in (module.__all__ if hasattr(module, "__all__") else []):
            if public == name.lstrip("_") and (target is None or getattr(module, public, None) is target):
                return f"{candidate}.{public}"
    return "no public name yet: ask for one to be exported"


class _Finder(ast.NodeVisitor):
    """Collects ``(dotted path, reason, line)`` for every private path one cell reaches.

    ``aliases`` (name -> module path) carries over from cell to cell, as a kernel does.
    """

    def __init__(self, aliases):
        self.aliases = aliases
        self.found = []

    def _flag(self, path, why, node):
        self.found.append((path, why, node.lineno))

    def _check_name(self, module_path, name, node):
        """Check ``module_path.name``; return the module it names, if it is one (else ``None``)."""
        module = importlib.import_module(module_path)
        value = _attribute(module, name)
        path = f"{module_path}.{name}"
        if isinstance(value, types.ModuleType) and value.__name__.startswith("bptutor"):
            return value.__name__
        if value is None:
            self._flag(path, f"not defined in {module_path}", node)
        elif not _is_public_name(module, name):
            why = "a private name" if name.startswith("_") else f"missing from {module_path}.__all__"
            self._flag(path, why, node)
        return None

    def _check_chain(self, module_path, names, node):
        """Check ``module_path.names[0].names[1]...`` up to the first name that is not a module.

        Returns the module the whole chain names, or ``None``. A chain through a private
        module is reported with the name that follows it, so the fix can name its public home.
        """
        for i, name in enumerate(names):
            module_path = self._check_name(module_path, name, node)
            if module_path is None:
                return None
            if module_path not in PUBLIC_MODULES:
                path = f"{module_path}.{names[i + 1]}" if i + 1 < len(names) else module_path
                self._flag(path, "a module outside the public set", node)
                return None
        return module_path

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name.split(".")[0] != "bptutor":
                continue
            if alias.name not in PUBLIC_MODULES:
                self._flag(alias.name, "a module outside the public set", node)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases["bptutor"] = "bptutor"

    def visit_ImportFrom(self, node):
        if node.level or not node.module or node.module.split(".")[0] != "bptutor":
            return
        for alias in node.names:
            bound = alias.asname or alias.name
            if node.module in PUBLIC_MODULES:
                module = self._check_chain(node.module, [alias.name], node)
            else:
                self._flag(f"{node.module}.{alias.name}", f"{node.module} is a module outside the public set",
                           node)
                module = None
            if module:
                self.aliases[bound] = module
            else:
                self.aliases.pop(bound, None)

    def visit_Attribute(self, node):
        chain, base = [], node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if isinstance(base, ast.Name) and base.id in self.aliases and isinstance(base.ctx, ast.Load):
            self._check_chain(self.aliases[base.id], chain[::-1], node)
            return  # the chain is checked as a whole; its parts are not visited again
        self.generic_visit(node)

    def visit_Name(self, node):
        if not isinstance(node.ctx, ast.Load):
            self.aliases.pop(node.id, None)  # rebound: no longer a module


MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)


def private_paths(notebook: str):
    """``[(dotted path, reason, cell index, source line)]`` for a notebook under ROOT."""
    nb = json.loads((ROOT / notebook).read_text(encoding="utf-8"))
    aliases, found = {}, []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        code = MAGIC.sub(lambda m: f"{m.group(1)}pass", source)  # IPython magics and shell lines
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            pytest.fail(f"{notebook}, cell {index}: not Python ({exc}); cannot check its imports")
        finder = _Finder(aliases)
        finder.visit(tree)
        lines = source.splitlines()
        found += [(path, why, index, lines[line - 1].strip()) for path, why, line in finder.found]
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_uses_only_the_public_api(notebook):
    found = private_paths(notebook)
    allowed = {path for nb, path in KNOWN_EXCEPTIONS if nb == notebook}
    problems = [
        f"{notebook}, cell {index}: `{line}` reaches {path} ({why}); use {public_name_for(path)} instead"
        for path, why, index, line in found if path not in allowed
    ]
    stale = sorted(allowed - {path for path, *_ in found})
    problems += [f"{notebook} no longer uses {path}: remove ({notebook!r}, {path!r}) from KNOWN_EXCEPTIONS "
                 "in tests/notebooks/test_public_api.py" for path in stale]
    assert not problems, "\n".join(problems)


def test_the_checker_sees_private_paths_and_names_their_public_homes(tmp_path, monkeypatch):
    """The checker itself: a notebook with every kind of reach, public and private."""
    cells = [
        "import numpy as np\nfrom bptutor import reference, gradcheck\nfrom bptutor.reference import init, MLP",
        "from bptutor.reference.matrix import mlp_forward\nfrom bptutor.reference.sgd import train",
        "%matplotlib inline\nW, b = init.init_network([2, 1])\nrng = init._rng(0)\nreference.matrix.mlp_forward",
        "import bptutor.reference.backprop as bp\nbp.forward\nbptutor_ok = reference.forward",
        "check = gradcheck.check_gradient\ncheck._private  # a variable now, not a module",
        "from bptutor.viz import style\nfrom bptutor import quiz\nimport bptutor\nbptutor.reference.mlp.MLP",
    ]
    nb = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = [(path, index) for path, _, index, _ in private_paths("lessons/x.ipynb")]
    assert found == [
        ("bptutor.reference.matrix.mlp_forward", 1), ("bptutor.reference.sgd.train", 1),
        ("bptutor.reference.init._rng", 2), ("bptutor.reference.matrix.mlp_forward", 2),
        ("bptutor.reference.backprop", 3),
        ("bptutor.reference.mlp.MLP", 5),
    ]
    assert public_name_for("bptutor.reference.matrix.mlp_forward") == "bptutor.reference.forward"
    assert public_name_for("bptutor.reference.sgd.train") == "bptutor.reference.train"
    assert public_name_for("bptutor.reference.backprop.forward") == "bptutor.reference.forward"
    assert public_name_for("bptutor.reference.init._rng") == "bptutor.reference.init.as_rng"
    assert public_name_for("bptutor.reference.mlp.MLP") == "bptutor.reference.MLP"
    assert bptutor.reference is reference
