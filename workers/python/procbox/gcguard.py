"""Garbage collection while green threads are suspended: a workaround for pyodide #6464.

CPython 3.14's automatic collector runs incremental (generation 1) collections, and each one
walks the frames of every thread state. A suspended green thread's entry frames sit on stack
memory another thread reuses, so that walk reads garbage and the process dies ("null function"
or "memory access out of bounds"). Young and full collections do not walk those frames.

So while a process has more than one thread, automatic collection is off and the switch
interval tick collects instead: a young collection whenever the young generation is over its
threshold, and a full one every ``FULL_EVERY`` of those. With one thread nothing changes.
``gc.enable``, ``gc.disable`` and ``gc.isenabled`` keep the user's own setting.
The upstream fix (pyodide#6466) is not in a 314.0.x release yet; drop this once it is.
"""

import gc

FULL_EVERY = 50

_native_enable = gc.enable
_native_disable = gc.disable
_user_enabled = True
_paused = False
_young_runs = 0


def pause():
    """A second thread started."""
    global _paused
    _paused = True
    _native_disable()


def resume():
    """Only one thread is left."""
    global _paused
    _paused = False
    if _user_enabled:
        _native_enable()


def step():
    """A switch-interval tick in a running thread: collect as the automatic collector would."""
    global _young_runs
    if not _paused or not _user_enabled:
        return
    if gc.get_count()[0] < gc.get_threshold()[0]:
        return
    _young_runs += 1
    gc.collect() if _young_runs % FULL_EVERY == 0 else gc.collect(0)


def enable():
    global _user_enabled
    _user_enabled = True
    if not _paused:
        _native_enable()


def disable():
    global _user_enabled
    _user_enabled = False
    _native_disable()


def isenabled():
    return _user_enabled


def install():
    gc.enable = enable
    gc.disable = disable
    gc.isenabled = isenabled
