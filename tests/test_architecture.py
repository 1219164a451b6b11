"""Import directions: ui → analytics → store; cli → everything; config, models, errors and wording are leaves; nothing but the cli imports ui, nothing imports cli;
only ui imports streamlit; nlp annotates in memory and imports nothing from store (ingest orchestrates nlp and store);
monitor reads through analytics, writes through store, and posts through ingest's checked fetch module only —
nothing below it (store, analytics, ingest, nlp) imports it: the cli runs it after an ingest or a watch cycle."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "marsad"
LEAVES = {"config", "models", "errors", "wording"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "marsad":  # from marsad import store
                names.update(f"marsad.{a.name}" for a in node.names)
    return names


def _layer(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


MODULES = sorted(PKG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_import_directions(path: Path) -> None:
    layer = _layer(path)
    for name in _imports(path):
        if name.split(".")[0] == "streamlit":
            assert layer == "ui", f"{path.name}: only ui may import streamlit"
        if not name.startswith("marsad."):
            continue
        target = name.split(".")[1]
        assert layer not in LEAVES, f"{path.name}: {layer} is a leaf and may not import {name}"
        if target == "cli" or (target == "ui" and layer != "cli"):  # the cli starts the dashboard (marsad serve)
            assert layer == target, f"{path.name}: nothing outside {target}/ may import {name}"
        if layer == "store":
            assert target in LEAVES | {"store", "text"}, f"{path.name}: store imports {name}"
        if layer == "analytics":
            assert target not in {"ingest", "nlp"}, f"{path.name}: analytics imports {name}"
        if target == "monitor":
            assert layer in {"monitor", "ui", "cli"}, f"{path.name}: only ui and cli may import {name}"
        if layer == "monitor":
            allowed = LEAVES | {"text", "store", "analytics", "monitor"}
            assert target in allowed or name == "marsad.ingest.fetch", f"{path.name}: monitor imports {name}"
        if layer == "nlp":
            assert target not in {"store", "ingest", "analytics"}, f"{path.name}: nlp imports {name}"
