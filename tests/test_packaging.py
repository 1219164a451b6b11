"""The package installs like one: every third-party import under src/ is a declared dependency, and a built wheel
carries the files the code reads at run time (models, demo corpus, curated resources, static files, the
Streamlit settings) but nothing the code writes."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "marsad"
# What a wheel is built from (pyproject.toml maps data/, static/ and .streamlit/ into the package).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "src", "data", "static", ".streamlit")
# Files the code writes beside the store (see .gitignore): a wheel built in a used checkout must leave them out.
WRITTEN = ("marsad.duckdb", "marsad.duckdb.wal", "marsad.duckdb.search.sqlite", "marsad.duckdb.topics.npz",
           "marsad.duckdb.watch.json", "marsad.search.sqlite", "marsad.topics.npz", "marsad.watch.json",
           "rejects-20260101-000000.txt")  # the names after the store's full file name, and the older ones


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    """The dependencies plus the spark extra's (src/marsad/spark/ and the Spark paths import pyspark lazily)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["spark"]
    return {_normalise(re.match(r"[A-Za-z0-9_.-]+", dep).group()) for dep in deps}


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module → the files under src/ that import it (function-level imports included)."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "marsad" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(str(path.relative_to(SRC)))
    return found


def test_every_third_party_import_is_a_declared_dependency():
    declared, dists = _declared(), packages_distributions()
    missing = {
        module: sorted(files)
        for module, files in _third_party_imports().items()
        if not declared & {_normalise(d) for d in dists.get(module, [])}
    }
    assert not missing, f"imported under src/ but not in pyproject.toml's dependencies: {missing}"


def test_the_import_check_sees_lazy_imports():
    imports = _third_party_imports()
    assert "nlp/topics.py" in imports["scipy"]  # imported inside functions only
    assert "streamlit" in imports and "marsad" not in imports and "json" not in imports


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel built from a copy of the checkout (so the build leaves nothing in it), with a used store in
    data/, offline: no build isolation, the setuptools of this environment."""
    tree = tmp_path_factory.mktemp("tree")
    for name in BUILD_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", *WRITTEN))
        else:
            shutil.copy(src, tree / name)
    for name in WRITTEN:
        (tree / "data" / name).write_bytes(b"written at run time")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(out), str(tree)], check=True, capture_output=True)
    (built,) = out.glob("marsad-*.whl")
    return zipfile.ZipFile(built)


def _shipped_files() -> list[str]:
    """Every file the code reads at run time, as its path inside the installed package."""
    data = [p for sub in ("models", "demo", "entities", "places", "stoplists") for p in (ROOT / "data" / sub).rglob("*")]
    return sorted(
        [f"marsad/data/{p.relative_to(ROOT / 'data')}" for p in data if p.is_file()]
        + [f"marsad/static/{p.relative_to(ROOT / 'static')}" for p in (ROOT / "static").rglob("*") if p.is_file()]
        + [f"marsad/{p.relative_to(SRC)}" for p in (SRC / "report" / "templates").glob("*.j2")]
        + ["marsad/streamlit_config/config.toml", "marsad/ui/dashboard/app.py"]
    )


@pytest.mark.slow
def test_the_wheel_carries_what_the_code_reads(wheel):
    names = set(wheel.namelist())
    shipped = _shipped_files()
    assert any(n.endswith("model.crfsuite") for n in shipped) and any("/demo/" in n for n in shipped)
    assert [n for n in shipped if n not in names] == []
    packages = [f"marsad/{p.parent.relative_to(SRC)}/__init__.py".replace("/./", "/") for p in SRC.rglob("__init__.py")]
    assert [p for p in packages if p not in names] == []


@pytest.mark.slow
def test_the_wheel_leaves_out_what_the_code_writes(wheel):
    assert [n for n in wheel.namelist() if Path(n).name in WRITTEN] == []


@pytest.mark.slow
def test_the_wheel_installs_the_marsad_command(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "marsad = marsad.cli:main" in wheel.read(entry_points).decode()
