"""Where a thread waits: the program's own line, and the library call it made there.

Taken when an untimed wait begins, by the waiting thread itself: once parked, its frames may
not be read (their C-level part is saved away with its stack), and the deadlock detector asks
only then (procbox/stuck.py). The walk is short: a wait is already a switch of threads.
"""

import os

# The stdlib zip, site-packages, frozen modules and this layer: code that is not the program's.
# The layer's folder as its modules' code names it (__file__ as loaded, not normalised).
LIBRARY = ("/lib/", "<", os.path.dirname(os.path.dirname(__file__)) + os.sep)
_MOST_FRAMES = 24


def site(frame):
    """``(line, api)``: the program's line below ``frame`` (``main.py:12``, or None) and the
    outermost library function on the way there (``threading.Event.wait()``, or None)."""
    api = None
    for _ in range(_MOST_FRAMES):
        if frame is None:
            break
        code = frame.f_code
        if not code.co_filename.startswith(LIBRARY):
            line = f"{os.path.basename(code.co_filename)}:{frame.f_lineno}"
            return line, _name(api)
        api = frame
        frame = frame.f_back
    return None, _name(api)


def _name(frame):
    if frame is None:
        return None
    return f"{frame.f_globals.get('__name__', '')}.{frame.f_code.co_qualname}()"
