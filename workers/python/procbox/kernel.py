"""System calls into the Procbox kernel.

A blocking call parks only the calling green thread until the kernel answers (green.py), so a
sleeping or waiting thread burns no CPU and the process's other threads run on. The JS side of
each call is a small bridge object that the process worker passes to ``main.start`` when the
job starts; it is bound late so no JS object is captured in the memory snapshot.
"""

import signal
import sys

from pyodide.ffi import to_js

from . import green
from .errors import EINTR, error

_bridge = None


def bind(bridge):
    """Connects this module to the worker's syscall bridge (once, before user code)."""
    global _bridge
    _bridge = bridge
    green.bind(bridge, check_signals)


def _errno_of(result):
    """The errno of a ``{errno}`` reply, or None for a plain result."""
    if result is None or isinstance(result, (int, float, str)):
        return None
    return getattr(result, "errno", None)


def check_signals():
    """Runs the handlers of pending signals now, as CPython's PyErr_CheckSignals does: only in
    the main thread, which is where CPython runs Python signal handlers."""
    if not green.in_main():
        return
    mask = green.take_signals()
    signum = 0
    while mask:
        signum += 1
        mask >>= 1
        if not mask & 1:
            continue
        handler = signal.getsignal(signum)
        if callable(handler):
            handler(signum, sys._getframe(1))
        elif handler == signal.SIG_DFL and signum == signal.SIGINT:
            raise KeyboardInterrupt


def _call(name, *args):
    """Waits for a syscall, then runs the handler of a signal that came meanwhile."""
    result = green.wait_call(name, *args)
    check_signals()
    return result, _errno_of(result)


def pid():
    return _bridge.pid


def ppid():
    return _bridge.ppid


def cpu_count():
    return _bridge.hardwareConcurrency


def write(fd, data):
    """Sends bytes to fd 1 or 2; waits only when the console is behind (back-pressure)."""
    if _bridge.write(fd, to_js(bytes(data))) and green.can_block():
        _call("drained", fd)  # outside a thread (a JS callback) there is no waiting
    return len(data)


def read(fd, size):
    while True:
        result, code = _call("read", fd, size)
        if code is None:
            return result.to_bytes()
        if code != EINTR:
            raise error(code)


def sleep(seconds):
    """time.sleep: a kernel timer. A signal handler that returns lets the sleep go on."""
    import time

    if seconds == 0:
        green.yield_now()  # sleep(0) lets another thread run, as releasing the GIL does
        return
    deadline = time.monotonic() + seconds
    remaining = seconds
    while True:
        _, code = _call("sleep", remaining * 1000.0)
        if code is None:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return


def spawn(name, method, payload, pass_fds=()):
    """Starts a child; returns its pid and its exit sentinel, a descriptor that reads end of
    file once the child is gone (``Popen.sentinel``)."""
    sentinel = _bridge.fdReserve("r")
    result, code = _call("spawn", name, method, to_js(payload), to_js(list(pass_fds)), sentinel)
    if code is not None:
        _bridge.fdUnreserve(sentinel)
        raise error(code)
    if result.sentinel is None:
        _bridge.fdUnreserve(sentinel)
        sentinel = None
    else:
        _bridge.fdBind(sentinel, result.sentinel, -1)
    return int(result.pid), sentinel


def waitpid(child, timeout):
    """Exit code of ``child`` (negative: killed by that signal), or None if it still runs."""
    timeout_ms = None if timeout is None else max(0.0, timeout * 1000.0)
    while True:
        result, code = _call("waitpid", child, timeout_ms)
        if code is None:
            return None if result is None else int(result.exitCode)
        if code != EINTR:
            raise error(code)


def kill(target, signum):
    result, code = _call("kill", int(target), int(signum))
    if code is not None:
        raise error(code)


def exit(code):
    _bridge.exit(code)
