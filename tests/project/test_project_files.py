"""The two dependency lists -- pyproject.toml (pip) and environment.yml (conda) -- must agree.

pyproject.toml is parsed with tomllib; environment.yml with PyYAML when it is
installed (JupyterLab pulls it in) and otherwise with the small parser below,
which understands exactly the subset environment.yml uses.
"""
import os
import re

import pytest
from helpers.paths import ROOT as REPO

ROOT = str(REPO)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")


def _requirement(spec):
    """``"numpy>=1.24"`` -> ``("numpy", ">=1.24")``; names normalised as pip does."""
    spec = spec.split(";", 1)[0]  # an environment marker: conda lists the package for every Python
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*", spec)
    assert m, f"cannot parse requirement {spec!r}"
    return re.sub(r"[-_.]+", "-", m.group(1)).lower(), m.group(3).replace(" ", "")


def _tiny_yaml(text):
    """Parse the subset of YAML environment.yml uses: top-level keys, lists, one nested ``pip:`` list."""
    data, key, nested = {}, None, None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        if indent == 0:
            k, _, v = body.partition(":")
            key, nested = k.strip(), None
            data[key] = v.strip() if v.strip() else []
        elif body.startswith("- ") and body.endswith(":") and indent <= 2:
            nested = {body[2:-1].strip(): []}
            data[key].append(nested)
        elif body.startswith("- "):
            item = body[2:].strip()
            if nested is not None and indent > 2:
                next(iter(nested.values())).append(item)
            else:
                nested = None
                data[key].append(item)
    return data


def load_environment():
    with open(os.path.join(ROOT, "environment.yml"), encoding="utf-8") as fh:
        text = fh.read()
    try:
        import yaml
    except ModuleNotFoundError:
        return _tiny_yaml(text)
    return yaml.safe_load(text)


def load_pyproject():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        return tomllib.load(fh)


def conda_requirements(env):
    plain = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    return dict(_requirement(d) for d in plain), [x for d in pip for x in d.get("pip", [])]


def test_environment_names_the_project():
    env = load_environment()
    assert env["name"] == "bptutor"
    assert env["channels"] == ["conda-forge"]


def test_environment_lists_exactly_the_runtime_and_test_packages():
    project = load_pyproject()["project"]
    wanted = dict(_requirement(d) for d in project["dependencies"])
    wanted.update(_requirement(d) for d in project["optional-dependencies"]["test"])
    have, _ = conda_requirements(load_environment())
    have.pop("python", None)
    have.pop("pip", None)
    missing = sorted(set(wanted) - set(have))
    extra = sorted(set(have) - set(wanted))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    assert not extra, f"in environment.yml but not in pyproject.toml: {extra}"
    differ = {n: (wanted[n], have[n]) for n in wanted if wanted[n] != have[n]}
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"


def test_environment_python_matches_requires_python():
    have, _ = conda_requirements(load_environment())
    assert have["python"] == load_pyproject()["project"]["requires-python"].replace(" ", "")


def test_environment_installs_the_package_itself():
    have, pip = conda_requirements(load_environment())
    assert "pip" in have, "environment.yml needs pip to install the course package"
    assert pip == ["-e ."], f"the pip section should install the checkout (-e .); got {pip}"


def test_tiny_parser_agrees_with_yaml():
    yaml = pytest.importorskip("yaml")
    with open(os.path.join(ROOT, "environment.yml"), encoding="utf-8") as fh:
        text = fh.read()
    assert _tiny_yaml(text) == yaml.safe_load(text)


def test_tiny_parser_reads_a_changed_list():
    text = "name: x\ndependencies:\n  - numpy>=2\n  - pip\n  - pip:\n      - -e .\n      - foo\n"
    assert _tiny_yaml(text) == {"name": "x", "dependencies": ["numpy>=2", "pip", {"pip": ["-e .", "foo"]}]}
