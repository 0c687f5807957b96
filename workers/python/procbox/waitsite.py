"""Where a thread waits: the program's own line, and the library call it made there.

Taken when an untimed wait begins, by the waiting thread itself: once parked, its frames may
not be read (their C-level part is saved away with its stack), and the deadlock detector asks
only then (procbox/stuck.py). The walk is short: a wait is already a switch of threads.
"""

import os
import sys

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


# The program's lines as shown, by where a frame stands: ``id(code)`` and ``f_lasti`` in one
# int (hashing a code object costs several times more, and so does ``f_lineno``).
_shown_lines = {}


def caller_line(depth=1):
    """The program's line that made the operation being reported (``main.py:12``), or None:
    an operation the event loop made on its own (an asyncio transport's write when its socket
    became ready) has no line of the program's. ``depth``: where the program's frame usually is
    (1: the caller), so that the layer's own frames are not walked one by one. Runs for each
    operation the trace records, so it is kept short."""
    try:
        frame = sys._getframe(depth)
    except ValueError:  # fewer frames than that
        return None
    for _ in range(_MOST_FRAMES):
        if frame is None:
            return None
        code = frame.f_code
        if code.co_filename.startswith(LIBRARY):
            if code.co_name == "_run_once":
                return None  # the event loop's own turn
            frame = frame.f_back
            continue
        where = id(code) + (frame.f_lasti << 48)
        known = _shown_lines.get(where)
        # The code is kept with its line: a code object freed may leave its id to another.
        if known is not None and known[0] is code:
            return known[1]
        if len(_shown_lines) > 10_000:  # code made on the fly, again and again
            _shown_lines.clear()
        line = f"{os.path.basename(code.co_filename)}:{frame.f_lineno}"
        _shown_lines[where] = (code, line)
        return line
    return None


def _name(frame):
    if frame is None:
        return None
    return f"{frame.f_globals.get('__name__', '')}.{frame.f_code.co_qualname}()"
