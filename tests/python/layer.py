"""Puts the Python layer (workers/python) on sys.path for the tests, which run under native
CPython, with ``fakes/`` in front of it: a stand-in ``pyodide`` package (the conversions are
identities), so the layer's modules import without a browser."""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
LAYER_ROOT = HERE.parents[1] / "workers" / "python"
for folder in (LAYER_ROOT, HERE / "fakes"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def layer_sources():
    """(path, text) of every .py file of the layer."""
    for path in sorted(LAYER_ROOT.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")
