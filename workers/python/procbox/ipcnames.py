"""Names and trace events for multiprocessing's objects.

The kernel knows pipes and semaphores; a learner knows ``Queue``, ``Lock`` and ``Pipe``. Each
multiprocessing constructor reports the kernel objects it made, and the kernel names them all
after it (``Queue#3``), so the process list can say what a process waits on. The outermost
constructor wins: the lock inside a Queue is part of ``Queue#3``, not a ``Lock`` of its own.

The user-facing operations (put, get, send, recv, acquire, release) are reported for the trace,
each with its thread and object. Operations that multiprocessing makes on its own behalf (the
lock inside ``Queue.get``, the feeder thread's writes, a Pool's bookkeeping) are not.
"""

import functools

from pyodide.ffi import to_js

from . import bridge, green, waitsite

# Per thread: the kernel objects made during its outermost constructor (None outside one),
# and how deep it is inside reported operations or multiprocessing's own machinery.
_made = {}
_inside = {}


def created(*objects):
    """A constructor below made these kernel objects."""
    made = _made.get(green.native_id())
    if made is not None:
        made.extend(objects)


def constructor(kind, make):
    """``make`` (a class's ``__init__`` or a factory) names what it makes ``kind``."""
    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        tid = green.native_id()
        if tid in _made:
            return make(*args, **kwargs)
        _made[tid] = made = []
        try:
            return make(*args, **kwargs)
        finally:
            del _made[tid]
            if made and bridge.bound():
                bridge.sync.ipcLabel(kind, to_js(made))

    return wrapper


def _enter():
    tid = green.native_id()
    depth = _inside.get(tid, 0)
    _inside[tid] = depth + 1
    return tid, depth


def _leave(tid, depth):
    if depth:
        _inside[tid] = depth
    else:
        del _inside[tid]


def _reported(op, object_of, call, *args, **kwargs):
    """Runs ``call``; once it succeeds, reports ``op`` on ``object_of()``, unless this is
    inside another reported operation (a failed non-blocking acquire is no operation)."""
    tid, depth = _enter()
    try:
        result = call(*args, **kwargs)
    finally:
        _leave(tid, depth)
    # A failed non-blocking acquire, or a wait that timed out, is no hand-over.
    if depth == 0 and bridge.bound() and (op not in ("acquire", "woken") or result):
        obj = object_of()
        if obj is not None:
            bridge.sync.ipcOp(op, tid, obj, None, waitsite.caller_line(3))
    return result


def _operation(op, object_of, method):
    """A method reported as ``op`` on ``object_of(self)``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        return _reported(op, lambda: object_of(self), method, self, *args, **kwargs)

    return wrapper


def _traced_lock_methods(make_methods):
    """multiprocessing binds ``lock.acquire``/``release`` per object (``_make_methods``)."""

    @functools.wraps(make_methods)
    def wrapper(self):
        make_methods(self)
        handle = self._semlock.handle
        acquire, release = self.acquire, self.release
        self.acquire = lambda *a, **k: _reported("acquire", lambda: handle, acquire, *a, **k)
        self.release = lambda: _reported("release", lambda: handle, release)

    return wrapper


def _internal(function):
    """multiprocessing's own machinery: nothing it does is the user's operation."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        tid, depth = _enter()
        try:
            return function(*args, **kwargs)
        finally:
            _leave(tid, depth)

    return wrapper


def _ring_of(fd_owner):
    try:
        return bridge.sync.fdRing(fd_owner.fileno())
    except (OSError, ValueError):
        return None


def install():
    from multiprocessing import connection, pool, queues, synchronize

    for module, names in (
        (synchronize, ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event")),
        (synchronize, ("Barrier",)),
        (queues, ("Queue", "SimpleQueue", "JoinableQueue")),
        (pool, ("Pool",)),
    ):
        for name in names:
            cls = getattr(module, name)
            cls.__init__ = constructor(name, cls.__init__)
    connection.Pipe = constructor("Pipe", connection.Pipe)  # Value and Array: procbox.shm

    queue_ring = lambda q: _ring_of(q._reader)  # noqa: E731
    for cls in (queues.Queue, queues.SimpleQueue):
        cls.put = _operation("put", queue_ring, cls.put)
        cls.get = _operation("get", queue_ring, cls.get)
    # A JoinableQueue has a put of its own (and Queue's get).
    queues.JoinableQueue.put = _operation("put", queue_ring, queues.JoinableQueue.put)
    conn_ring = _ring_of
    for op, names in (("send", ("send", "send_bytes")), ("recv", ("recv", "recv_bytes"))):
        for name in names:
            method = getattr(connection.Connection, name)
            setattr(connection.Connection, name, _operation(op, conn_ring, method))
    semaphore = lambda lock: lock._semlock.handle  # noqa: E731
    lock = synchronize.SemLock
    lock._make_methods = _traced_lock_methods(lock._make_methods)
    lock.__enter__ = _operation("acquire", semaphore, lock.__enter__)
    lock.__exit__ = _operation("release", semaphore, lock.__exit__)

    # An Event's set and a Condition's notify wake waits: the timeline draws those hand-overs.
    event_flag = lambda event: event._flag._semlock.handle  # noqa: E731
    condition_lock = lambda condition: condition._lock._semlock.handle  # noqa: E731
    for cls, object_of, ops in (
        (synchronize.Event, event_flag, (("set", "set"), ("woken", "wait"))),
        (
            synchronize.Condition,
            condition_lock,
            (
                ("notify", "notify"),
                ("notify", "notify_all"),
                ("woken", "wait"),  # wait_for waits through it
            ),
        ),
    ):
        for op, name in ops:
            setattr(cls, name, _operation(op, object_of, getattr(cls, name)))

    # The rest are not operations of the list; the lock and semaphore calls they make inside
    # are theirs, not the user's.
    for cls, names in (
        (synchronize.Event, ("is_set", "clear")),
        (synchronize.Barrier, ("wait", "reset", "abort")),
        (queues.JoinableQueue, ("task_done", "join")),
    ):
        for name in names:
            setattr(cls, name, _internal(getattr(cls, name)))
    queues.Queue._feed = staticmethod(_internal(queues.Queue._feed))
    pool.worker = _internal(pool.worker)
    for name in ("_handle_workers", "_handle_tasks", "_handle_results"):
        setattr(pool.Pool, name, staticmethod(_internal(getattr(pool.Pool, name))))
