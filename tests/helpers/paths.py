"""Where the course checkout is, for tests and benchmarks that read its folders."""
from pathlib import Path

#: the checkout: the folder holding lessons/, solutions/, exercises/ and pyproject.toml
ROOT = Path(__file__).resolve().parents[2]
