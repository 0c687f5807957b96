"""Trace names and operations for the program's own ``threading.Event`` and
``threading.Condition``: each ``set`` or ``notify``, and each wait that ends with the event set
or a notification, so the timeline draws an arrow from the one to the other. As with locks
(locks.py), only objects the program makes are named (``threading.Event#1``), not those inside
the library (an Event's own Condition, a Barrier's, a queue.Queue's).
"""

import functools
import itertools
import sys

from . import bridge, green, waitsite
from .waitsite import LIBRARY

_serials = {"Event": itertools.count(1), "Condition": itertools.count(1)}


def _named(kind, init):
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        caller = sys._getframe(1)
        made_by_program = not caller.f_code.co_filename.startswith(LIBRARY)
        self._procbox_name = f"threading.{kind}#{next(_serials[kind])}" if made_by_program else None

    return __init__


def _reported(op, method, only_if_true=False):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        name = getattr(self, "_procbox_name", None)
        if name is not None and (result or not only_if_true) and bridge.bound():
            bridge.sync.ipcOp(op, green.native_id(), name, None, waitsite.caller_line(2))
        return result

    return wrapper


def install(threading):
    event, condition = threading.Event, threading.Condition
    event.__init__ = _named("Event", event.__init__)
    event.set = _reported("set", event.set)
    event.wait = _reported("woken", event.wait, only_if_true=True)
    condition.__init__ = _named("Condition", condition.__init__)
    condition.notify = _reported("notify", condition.notify)
    condition.notify_all = _reported("notify", condition.notify_all)
    # wait_for waits through wait: each notify that woke it is one hand-over.
    condition.wait = _reported("woken", condition.wait, only_if_true=True)
