"""The house as drawn from its imports: views -> ui -> framework, no import upward, the domain free of Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each layer and the top-level names it may never import (at the top of a module or inside a function).
FORBIDDEN = {
    "framework": ("streamlit", "ui", "views", "app"),
    "ui": ("views", "app"),
    "views": ("app",),
}


def imported_names(source: str) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from … import`` names, with its line (relative imports left out)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def upward_imports(layer: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            if name.split(".")[0] in FORBIDDEN[layer]:
                problems.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    return problems


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_upward(layer):
    assert list((ROOT / layer).rglob("*.py")), f"no modules found in {layer}/"
    assert upward_imports(layer) == []


def test_the_check_finds_an_upward_import():
    source = "import json\nfrom ui.state import x\n\ndef f():\n    import streamlit as st\n"
    assert [name for _, name in imported_names(source)] == ["json", "ui.state", "streamlit"]
    assert imported_names("from . import sibling\n") == []
