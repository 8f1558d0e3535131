"""Shared pytest configuration for the whole suite.

The import paths (the checkout and ``tests/`` for the shared ``helpers`` package) are set
once in ``pyproject.toml`` (``[tool.pytest.ini_options] pythonpath``); the Agg backend is
chosen here, before any test imports pyplot. (nbval's kernels are separate processes and
keep their inline backend.)
"""
import matplotlib

matplotlib.use("Agg")
