"""Tracebacks without Procbox's own frames.

In CPython, ``time.sleep`` or ``input`` are C functions and never appear in a traceback. Here
they are Python functions of this layer, so their frames (and Pyodide's, around a suspended
call) are left out of every traceback that the ``traceback`` module formats. That covers
``sys.excepthook``, ``traceback.print_exc()`` in multiprocessing's children, and thread hooks.
Stacks are filtered the same way: ``traceback.print_stack()``, and the "Coroutine created at"
list of asyncio's debug mode, which starts at the script's ``<module>`` as in CPython.

The stdlib sits in a zip here, so ``linecache`` finds its lines through the module's loader
when a caller names only the file (as that list does); CPython reads them from disk.
"""

import linecache
import os
import sys
import traceback

LAYER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep
_HIDDEN = (LAYER_DIR, "/lib/python314.zip/pyodide/", "/lib/python314.zip/_pyodide/")


def _visible(frame):
    return not frame.f_code.co_filename.startswith(_HIDDEN)


def install():
    walk = traceback._walk_tb_with_full_positions
    if getattr(walk, "__procbox__", False):
        return

    def walk_visible(tb):
        for frame, positions in walk(tb):
            if _visible(frame):
                yield frame, positions

    walk_stack = traceback.walk_stack

    def walk_stack_visible(f):
        for frame, lineno in walk_stack(f):
            if _visible(frame):
                yield frame, lineno

    format_list = traceback.format_list

    def format_list_visible(extracted_list):
        return format_list([entry for entry in extracted_list if not entry[0].startswith(_HIDDEN)])

    walk_visible.__procbox__ = True
    traceback._walk_tb_with_full_positions = walk_visible
    traceback.walk_stack = walk_stack_visible
    traceback.format_list = format_list_visible
    _find_zipped_sources()


def _find_zipped_sources():
    update = linecache.updatecache

    def updatecache(filename, module_globals=None):
        if module_globals is None and filename.startswith(_STDLIB):
            module_globals = _module_globals(filename)
        return update(filename, module_globals)

    linecache.updatecache = updatecache


def _module_globals(filename):
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == filename:
            return module.__dict__
    return None
