"""``_thread.lock`` and ``_thread.RLock`` for green threads.

An uncontended acquire or release is a flag test in Python: no switch can happen between the
test and the set, because CPython only checks its eval breaker at calls and backward jumps. A
contended acquire waits in the lock's queue and gives the CPU to another thread. The doorbell
never switches threads inside these methods (``@green.unpreemptible``): a switch between the test
of ``_locked`` and joining the queue would lose a release that came in between.

Locks the program makes itself (``threading.Lock()`` in its own code, not a Thread's or an
Event's) are named for the kernel's trace (``threading.Lock#1``). Each time a different thread
takes one than took it last, the trace records an acquire: that shows which threads a lock
guarded, at a cost of one attribute test per uncontended acquire.
"""

import itertools
import sys
import time
from collections import deque

from . import bridge, green, waitsite
from .waitsite import LIBRARY

# The process's scheduler: its ``current`` is the running thread, read inline on the fast path.
_scheduler = green.scheduler

TIMEOUT_MAX = 9223372036.854776  # PY_TIMEOUT_MAX on 64-bit Linux, in seconds

_monotonic = time.monotonic


def _deadline(blocking, timeout):
    """The monotonic deadline of an acquire, or None to wait forever (CPython's checks)."""
    if not blocking:
        if timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        return 0.0
    if timeout == -1:
        return None
    if timeout < 0:
        raise ValueError("timeout value must be a non-negative number")
    if timeout > TIMEOUT_MAX:
        raise OverflowError("timeout value is too large")
    return _monotonic() + timeout


_serials = itertools.count(1)
_LIBRARY = LIBRARY  # code that is not the program's


def _program_lock_name(kind):
    """``threading.<kind>#n`` when the program's own code made this lock, else None."""
    frame = sys._getframe(2)  # the caller of __init__
    if kind == "RLock" and frame.f_code.co_name == "RLock":
        frame = frame.f_back  # threading.RLock(), the factory in front of this class
    if frame is None or frame.f_code.co_filename.startswith(_LIBRARY):
        return None
    return f"threading.{kind}#{next(_serials)}"


def _taken(lock, thread):
    """Reports an acquire of a traced lock by ``thread``, a different one than took it last.
    Callers test that inline: a call per uncontended acquire would double a locked loop's time."""
    lock._last_taker = thread
    if bridge.bound():
        bridge.sync.ipcOp(
            "acquire", green.native_id(), lock._trace_name, None, waitsite.caller_line(3)
        )


class LockType:
    """A primitive lock: any thread may release it."""

    __slots__ = ("_locked", "_waiters", "_trace_name", "_last_taker", "__weakref__")

    def __init__(self):
        self._locked = False
        self._waiters = deque()
        self._trace_name = _program_lock_name("Lock")
        self._last_taker = None

    @green.unpreemptible
    def acquire(self, blocking=True, timeout=-1):
        deadline = None if timeout == -1 and blocking else _deadline(blocking, timeout)
        if not self._locked:
            self._locked = True
            if self._trace_name is not None and self._last_taker is not _scheduler.current:
                _taken(self, _scheduler.current)
            return True
        if deadline == 0.0:
            return False
        while self._locked:
            if not green.wait(self._waiters, deadline, self):
                return False
        self._locked = True
        if self._trace_name is not None and self._last_taker is not _scheduler.current:
            _taken(self, _scheduler.current)
        return True

    def release(self):
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        self._locked = False
        if self._waiters:
            green.wake_one(self._waiters)

    def locked(self):
        return self._locked

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def _at_fork_reinit(self):
        self._locked = False
        self._waiters.clear()

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __repr__(self):
        state = "locked" if self._locked else "unlocked"
        return f"<{state} _thread.lock object at {id(self):#x}>"


LockType.__module__ = "_thread"
LockType.__name__ = LockType.__qualname__ = "lock"


def _unpicklable(self, protocol=None):
    # As CPython's C locks, which have no pickle support.
    raise TypeError(f"cannot pickle '{type(self).__module__}.{type(self).__name__}' object")


LockType.__reduce_ex__ = _unpicklable


class RLock:
    """A reentrant lock: the owning thread may take it again, and only it may release it."""

    __slots__ = ("_owner", "_count", "_waiters", "_trace_name", "_last_taker", "__weakref__")

    def __init__(self, *args, **kwargs):
        self._owner = None
        self._count = 0
        self._waiters = deque()
        self._trace_name = _program_lock_name("RLock")
        self._last_taker = None

    @green.unpreemptible
    def acquire(self, blocking=True, timeout=-1):
        deadline = None if timeout == -1 and blocking else _deadline(blocking, timeout)
        me = green.current()
        if self._owner is me:
            self._count += 1
            return True
        if self._owner is None:
            self._owner = me
            self._count = 1
            if self._trace_name is not None and self._last_taker is not me:
                _taken(self, me)
            return True
        if deadline == 0.0:
            return False
        while self._owner is not None:
            if not green.wait(self._waiters, deadline, self):
                return False
        self._owner = me
        self._count = 1
        if self._trace_name is not None and self._last_taker is not me:
            _taken(self, me)
        return True

    def release(self):
        if self._owner is not green.current():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            if self._waiters:
                green.wake_one(self._waiters)

    def locked(self):
        return self._owner is not None

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    # Condition variables save and restore the recursion level around a wait.
    def _is_owned(self):
        return self._owner is green.current()

    @green.unpreemptible
    def _release_save(self):
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        state = (self._count, self._owner)
        self._count = 0
        self._owner = None
        if self._waiters:
            green.wake_one(self._waiters)
        return state

    @green.unpreemptible
    def _acquire_restore(self, state):
        self.acquire()
        self._count, self._owner = state

    def _recursion_count(self):
        return self._count if self._owner is green.current() else 0

    def _at_fork_reinit(self):
        self._owner = None
        self._count = 0
        self._waiters.clear()

    def __repr__(self):
        state = "locked" if self._owner is not None else "unlocked"
        owner = self._owner.ident if self._owner is not None else 0
        return (
            f"<{state} _thread.RLock object owner={owner} count={self._count} "
            f"at {id(self):#x}>"
        )


RLock.__module__ = "_thread"
RLock.__reduce_ex__ = _unpicklable
