"""Procbox's stand-in for CPython's C module ``_multiprocessing``: SemLock on kernel semaphores.

A semaphore lives in the kernel's shared arena, so every process that holds it takes and posts
the same count with Atomics, and an uncontended acquire never leaves this process. A blocked
acquire parks only the calling thread until the count changes. The rest mirrors CPython's
``Modules/_multiprocessing/semaphore.c`` on Linux: the kinds, the recursive-mutex owner count,
the release checks and their messages, timeouts, and rebuilding by name for ``spawn``.
"""

import _thread
import time

from procbox import bridge, ipcnames
from procbox.errors import error

flags = {"HAVE_SEM_OPEN": 1, "HAVE_SEM_TIMEDWAIT": 1}

RECURSIVE_MUTEX = 0
SEMAPHORE = 1
SEM_VALUE_MAX = 2147483647


class SemLock:
    SEM_VALUE_MAX = SEM_VALUE_MAX

    def __init__(self, kind, value, maxvalue, name, unlink):
        if kind not in (RECURSIVE_MUTEX, SEMAPHORE):
            raise ValueError("unrecognized kind")
        if not 0 <= value <= SEM_VALUE_MAX:
            raise error(22)
        # Created and at once unlinked (fork) means no name at all in the kernel.
        handle, errno = bridge.call("semCreate", value, maxvalue, None if unlink else name)
        if errno is not None:
            raise error(errno, name)
        ipcnames.created(handle)
        self._setup(handle, kind, maxvalue, None if unlink else name, owns=True)

    def _setup(self, handle, kind, maxvalue, name, owns):
        self._handle = handle
        self._kind = kind
        self._maxvalue = maxvalue
        self._name = name
        self._owns = owns  # holds a kernel reference of its own, dropped when collected
        self._count_ = 0
        self._last_tid = 0

    @classmethod
    def _rebuild(cls, handle, kind, maxvalue, name):
        self = cls.__new__(cls)
        if name is not None:  # spawn: sem_open by name, as CPython does
            handle, errno = bridge.call("semOpen", name)
            if errno is not None:
                raise error(errno, name)
        # Under fork the handle was inherited with the rest of the parent's semaphores; the
        # kernel releases those when this process exits.
        self._setup(handle, kind, maxvalue, name, owns=name is not None)
        return self

    def __del__(self):
        if getattr(self, "_owns", False) and bridge.bound():
            bridge.sync.semClose(self._handle)

    handle = property(lambda self: self._handle)
    kind = property(lambda self: self._kind)
    maxvalue = property(lambda self: self._maxvalue)
    name = property(lambda self: self._name)

    def _is_mine(self):
        return self._count_ > 0 and self._last_tid == _thread.get_ident()

    def acquire(self, block=True, timeout=None):
        if self._kind == RECURSIVE_MUTEX and self._is_mine():
            self._count_ += 1
            return True
        sync = bridge.sync
        if not sync.semTryAcquire(self._handle):
            if not block:
                return False
            deadline = None
            if timeout is not None:
                deadline = time.monotonic() + max(0.0, float(timeout))
            while True:
                if deadline is None:
                    ms = -1
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    ms = remaining * 1000.0
                # Runs signal handlers (EINTR); the process list shows what this thread awaits.
                bridge.call("semWait", self._handle, ms, _thread.get_native_id())
                if sync.semTryAcquire(self._handle):
                    break
        self._count_ += 1
        self._last_tid = _thread.get_ident()
        return True

    def release(self):
        if self._kind == RECURSIVE_MUTEX:
            if not self._is_mine():
                raise AssertionError("attempt to release recursive lock not owned by thread")
            if self._count_ > 1:
                self._count_ -= 1
                return
        elif bridge.sync.semValue(self._handle) >= self._maxvalue:
            # As CPython, a check and not a guarantee against racing releases.
            raise ValueError("semaphore or lock released too many times")
        bridge.sync.semRelease(self._handle)
        self._count_ -= 1

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()

    def _count(self):
        return self._count_

    def _get_value(self):
        return bridge.sync.semValue(self._handle)

    def _is_zero(self):
        return self._get_value() == 0

    def _after_fork(self):
        self._count_ = 0


def sem_unlink(name):
    result, errno = bridge.call("semUnlink", name)
    if errno is not None:
        raise error(errno, name)
