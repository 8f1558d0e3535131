"""Building and writing small notebooks for tests (nbformat 4, plain JSON)."""
from __future__ import annotations

import json
import os

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def cell(kind: str, source: str, index: int | None = None, outputs: list | None = None) -> dict:
    """One cell; code cells get an execution count and ``outputs`` (none by default)."""
    out = {"cell_type": kind, "metadata": {}, "source": source}
    if index is not None:
        out["id"] = f"c{index}"
    if kind == "code":
        out["execution_count"] = 3 if outputs else None
        out["outputs"] = list(outputs or [])
    return out


#: what an executed code cell printed, for tests that check outputs are cleared
OLD_OUTPUT = {"name": "stdout", "output_type": "stream", "text": "old output\n"}


def notebook(cells, assignment: str | None = "a3", nbformat: int = 4, executed: bool = False) -> dict:
    """A notebook from ``cells``: each a string (markdown when it starts with ``"# "``, else code)
    or a ``(kind, source)`` pair (these get cell ids ``c0``, ``c1``, ...). ``assignment`` goes to
    ``metadata.bptutor.assignment``; ``executed`` gives every code cell an old output."""
    built = []
    for i, c in enumerate(cells):
        if isinstance(c, tuple):
            built.append(cell(c[0], c[1], index=i, outputs=[dict(OLD_OUTPUT)] if executed else None))
        else:
            built.append(cell("markdown" if c.startswith("# ") else "code", c))
    meta: dict = {"kernelspec": dict(KERNELSPEC)}
    if assignment is not None:
        meta["bptutor"] = {"assignment": assignment}
    return {"cells": built, "metadata": meta, "nbformat": nbformat, "nbformat_minor": 5}


def write_notebook(folder, name: str, nb) -> str:
    """Write ``nb`` (a dict as JSON, a str, or raw bytes) to ``folder/name``; return the path."""
    path = os.path.join(str(folder), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(nb).encode() if isinstance(nb, dict) else nb.encode() if isinstance(nb, str) else nb
    with open(path, "wb") as fh:
        fh.write(data)
    return path
