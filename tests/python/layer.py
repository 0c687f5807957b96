"""Puts the Python layer (workers/python) on sys.path for the tests, which run under native
CPython, with ``fakes/`` in front of it: a stand-in ``pyodide`` package (the conversions are
identities), so the layer's modules import without a browser."""

import importlib.util
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


def layer_multiprocessing():
    """The layer's ``_multiprocessing`` (what a Procbox process imports), whichever module this
    test process imported under that name first."""
    path = LAYER_ROOT / "_multiprocessing.py"
    module = sys.modules.get("_multiprocessing")
    if getattr(module, "__file__", None) == str(path):
        return module
    spec = importlib.util.spec_from_file_location("_multiprocessing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
