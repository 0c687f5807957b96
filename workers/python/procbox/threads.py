"""The ``_thread`` module, on green threads.

``install()`` puts it in ``sys.modules`` and reloads ``threading`` on it, so that CPython's own
``threading``, ``queue`` and ``concurrent.futures`` run unmodified. It runs before the memory
snapshot; ``green.bind()`` connects the scheduler to the worker when a process starts.
"""

import importlib
import signal
import sys
import types
import weakref
from collections import deque

import _thread as _c_thread

from . import gcguard, green, threadtrace
from .local import _local
from .locks import TIMEOUT_MAX, LockType, RLock

error = RuntimeError


class _ThreadHandle:
    """What ``Thread.join`` waits on: set done when the thread's function has returned."""

    __slots__ = ("_thread", "_ident", "_done", "_waiters", "__weakref__")

    def __init__(self):
        self._thread = None
        self._ident = None
        self._done = False
        self._waiters = deque()
        _handles.add(self)

    def _bind(self, thread):
        self._thread = thread
        self._ident = thread.ident

    @property
    def ident(self):
        return self._ident

    def is_done(self):
        return self._done

    @green.unpreemptible
    def _set_done(self):
        self._done = True
        _shutdown_handles.pop(id(self), None)
        green.wake_all(self._waiters)

    @green.unpreemptible
    def join(self, timeout=None):
        if self._done:
            return
        if self._thread is green.current():
            raise RuntimeError("Cannot join current thread")
        if timeout is None or timeout < 0:
            deadline = None
        else:
            deadline = green._monotonic() + timeout
        while not self._done:
            if not green.wait(self._waiters, deadline, self):
                return

    def __repr__(self):
        return f"<_thread._ThreadHandle object: ident={self._ident}>"


_ThreadHandle.__module__ = "_thread"

# Every handle, so that a forked child can mark its parent's other threads done.
_handles = weakref.WeakSet()


def after_fork(forker):
    """In a forked child, as CPython's ``_PyThread_AfterFork``: every thread but ``forker``
    is done (``is_alive()`` False, ``join()`` returns at once)."""
    for handle in list(_handles):
        if handle._ident != forker.ident:
            handle._done = True
            handle._waiters.clear()
    for key, handle in list(_shutdown_handles.items()):
        if handle._done:
            del _shutdown_handles[key]

# Non-daemon threads still running: interpreter shutdown joins them.
_shutdown_handles = {}


def start_joinable_thread(function, handle=None, daemon=True):
    if handle is None:
        handle = _ThreadHandle()
    elif handle._thread is not None:
        raise RuntimeError("thread already started")
    green.spawn(function, handle, daemon)
    if not daemon:
        _shutdown_handles[id(handle)] = handle
    return handle


def start_new_thread(function, args, kwargs=None, /):
    if not callable(function):
        raise TypeError("first arg must be callable")
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    kwargs = kwargs or {}
    handle = start_joinable_thread(lambda: function(*args, **kwargs), daemon=True)
    return handle.ident


def _make_thread_handle(ident):
    handle = _ThreadHandle()
    handle._thread = green.main_thread() if ident == green.main_thread().ident else None
    handle._ident = ident
    return handle


def _get_main_thread_ident():
    return green.main_thread().ident


def _is_main_interpreter():
    return True


def daemon_threads_allowed():
    return True


def _shutdown():
    """Waits for every non-daemon thread, as interpreter shutdown does."""
    me = green.current()
    while _shutdown_handles:
        _, handle = _shutdown_handles.popitem()
        if handle._thread is not me:
            handle.join()


def _count():
    return green.count()


def allocate_lock():
    return LockType()


def exit():
    raise SystemExit


def interrupt_main(signum=signal.SIGINT, /):
    """Simulates a signal arriving in the main thread."""
    green.interrupt_main(signum)


def stack_size(size=0, /):
    if size != 0 and size < 32768:
        raise ValueError(f"size not valid: {size} bytes")
    return 0


def get_native_id():
    return green.native_id()


def set_name(name):
    green.set_name(name)


def _module():
    module = types.ModuleType("_thread", _c_thread.__doc__)
    module.__dict__.update(
        error=error,
        LockType=LockType,
        lock=LockType,
        RLock=RLock,
        TIMEOUT_MAX=TIMEOUT_MAX,
        _ThreadHandle=_ThreadHandle,
        start_joinable_thread=start_joinable_thread,
        start_new_thread=start_new_thread,
        start_new=start_new_thread,
        _make_thread_handle=_make_thread_handle,
        _get_main_thread_ident=_get_main_thread_ident,
        _is_main_interpreter=_is_main_interpreter,
        daemon_threads_allowed=daemon_threads_allowed,
        _shutdown=_shutdown,
        _count=_count,
        allocate_lock=allocate_lock,
        allocate=allocate_lock,
        get_ident=green.get_ident,
        get_native_id=get_native_id,
        set_name=set_name,
        exit=exit,
        exit_thread=exit,
        interrupt_main=interrupt_main,
        stack_size=stack_size,
        _local=_local,
        # Exception reporting involves no threads: CPython's own C functions serve.
        _excepthook=_c_thread._excepthook,
        _ExceptHookArgs=_c_thread._ExceptHookArgs,
    )
    return module


def install():
    """Replaces ``_thread`` and rebuilds what was made with the C one before this ran."""
    if getattr(sys.modules["_thread"], "__procbox__", False):
        return
    module = _module()
    module.__procbox__ = True
    sys.modules["_thread"] = module
    gcguard.install()
    # queue.SimpleQueue would block in C; without it queue.py uses its Python version.
    queue_c = types.ModuleType("_queue")
    queue_c.Empty = type("Empty", (Exception,), {"__module__": "_queue"})
    sys.modules["_queue"] = queue_c
    sys.modules.pop("queue", None)
    threading = importlib.reload(sys.modules["threading"])
    import queue

    # It stands in for the C class: same name, so it prints the same.
    queue.SimpleQueue.__name__ = queue.SimpleQueue.__qualname__ = "SimpleQueue"
    queue.SimpleQueue.__module__ = "_queue"
    _patch_importers(module, threading)
    threadtrace.install(threading)
    _patch_switch_interval()
    _patch_signal()


def patch_import_locks():
    """The import system's module locks, on green threads. Call it while no import runs: a
    lock taken with the C ``_thread`` must be released with it."""
    import importlib._bootstrap as bootstrap

    bootstrap._thread = sys.modules["_thread"]


def _patch_importers(module, threading):
    """Modules imported during Pyodide's boot that kept C locks or get_ident."""
    if "reprlib" in sys.modules:
        sys.modules["reprlib"].get_ident = module.get_ident
    if "logging" in sys.modules:
        sys.modules["logging"]._lock = threading.RLock()
    events = sys.modules.get("asyncio.events")
    if events is not None and hasattr(events, "_event_loop_policy_lock"):
        events._event_loop_policy_lock = threading.Lock()


def _patch_switch_interval():
    def setswitchinterval(interval, /):
        interval = float(interval)
        if interval <= 0:
            raise ValueError("switch interval must be strictly positive")
        green.set_switch_interval(interval)

    def getswitchinterval():
        return green.get_switch_interval()

    sys.setswitchinterval = setswitchinterval
    sys.getswitchinterval = getswitchinterval


def _patch_signal():
    """CPython takes signal handlers in the main thread only."""
    install_handler = signal.signal

    def signal_(signalnum, handler, /):
        if not green.in_main():
            raise ValueError("signal only works in main thread of the main interpreter")
        return install_handler(signalnum, handler)

    signal_.__doc__ = install_handler.__doc__
    signal.signal = signal_
