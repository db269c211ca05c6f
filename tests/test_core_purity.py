"""rnnviz.core is NumPy only: it imports without streamlit or plotly, and its examples run."""

import ast
import doctest
import importlib
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rnnviz.core

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "rnnviz" / "core"
CORE_MODULES = sorted(f"rnnviz.core.{m.name}" for m in pkgutil.iter_modules([str(CORE)]))


def test_core_imports_where_streamlit_and_plotly_cannot():
    script = textwrap.dedent(
        """
        import sys

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("streamlit", "plotly"):
                    raise ImportError(f"{name} is blocked in this test")

        sys.meta_path.insert(0, Refuse())
        try:  # the blocker works: these really are unavailable here
            import plotly
        except ImportError:
            pass
        else:
            raise SystemExit("the import blocker let plotly through")

        import rnnviz.core as core

        temps = core.weather_series(n=20)
        X, y = core.make_windows(temps)
        params = core.init_params(3, seed=0)
        core.train(params, X, y, epochs=2)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly"))
        assert not loaded, loaded
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def imported_modules(path):
    """Top-level names of every module `path` imports (relative imports as '.')."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else node.module.split(".")[0])
    return names


def test_core_sources_import_only_numpy_and_the_standard_library():
    files = sorted(CORE.glob("*.py"))
    assert len(files) >= 7  # __init__, data, rnn, bptt, train, gradcheck, validation, ...
    for path in files:
        imported = imported_modules(path)
        outside = imported - {".", "numpy"} - set(sys.stdlib_module_names)
        assert not outside, f"{path.name} imports {sorted(outside)}"
        # ... and nothing by name at run time.
        assert "importlib" not in imported and "__import__" not in path.read_text(), path.name


def test_the_import_check_sees_imports():
    # The AST walk above would pass an empty file: check it finds what it should.
    assert {"numpy", "."} <= imported_modules(CORE / "rnn.py")


@pytest.mark.parametrize("module_name", CORE_MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_there_are_docstring_examples_to_run():
    attempted = sum(
        doctest.testmod(importlib.import_module(name)).attempted for name in CORE_MODULES
    )
    assert attempted >= 3
    assert rnnviz.core.weather_series.__doc__.count(">>>") >= 1
