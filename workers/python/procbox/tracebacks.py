"""Tracebacks without Procbox's own frames.

In CPython, ``time.sleep`` or ``input`` are C functions and never appear in a traceback. Here
they are Python functions of this layer, so their frames (and Pyodide's, around a suspended
call) are left out of every traceback that the ``traceback`` module formats. That covers
``sys.excepthook``, ``traceback.print_exc()`` in multiprocessing's children, and thread hooks.
"""

import os
import traceback

LAYER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
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

    walk_visible.__procbox__ = True
    traceback._walk_tb_with_full_positions = walk_visible
