"""The pages are thin: `app.py` and every file in `pages/` import only Streamlit and rnnviz.ui.

The package's own layers (ui → figures → text | files | server → runs → settings → core) are
checked by import-linter from pyproject.toml in the test command; `pages/` and `app.py` are not
a package, so this test holds them.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENTRY_FILES = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]


def imported_modules(path: Path) -> list[str]:
    """Every module `path` imports, by its full dotted name (`from a import b` gives a.b when b
    is a module of a, else a; both count as a here)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def allowed(module: str) -> bool:
    return module in ("streamlit", "rnnviz.ui") or module.startswith(
        ("streamlit.", "rnnviz.ui.", "__future__")
    )


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.name)
def test_pages_import_only_streamlit_and_ui(path):
    wrong = [m for m in imported_modules(path) if not allowed(m)]
    assert not wrong, f"{path.name} imports {wrong}: pages call rnnviz.ui, which calls the rest"


def test_the_check_sees_a_forbidden_import(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\nfrom rnnviz import core\nfrom rnnviz.ui import state\n"
    )
    assert [m for m in imported_modules(page) if not allowed(m)] == ["rnnviz"]
    page.write_text("import rnnviz.figures.weather\n")
    assert [m for m in imported_modules(page) if not allowed(m)] == ["rnnviz.figures.weather"]
