"""System calls into the Procbox kernel.

Every blocking call suspends the interpreter's stack with ``pyodide.ffi.run_sync`` until the
kernel answers, so a sleeping or waiting process burns no CPU. The JS side of each call is a
small bridge (``_procbox_js``) that the process worker registers before the job starts; it is
bound late so no JS object is captured in the memory snapshot.
"""

import signal
import sys

from pyodide.ffi import run_sync, to_js

from .errors import EINTR, error

_bridge = None


def bind(bridge):
    """Connects this module to the worker's syscall bridge (once, before user code)."""
    global _bridge
    _bridge = bridge


def _errno_of(result):
    """The errno of a ``{errno}`` reply, or None for a plain result."""
    if result is None or isinstance(result, (int, float, str)):
        return None
    return getattr(result, "errno", None)


def check_signals():
    """Runs the handler of a pending signal now, as CPython's PyErr_CheckSignals does."""
    signum = _bridge.takeSignal()
    if not signum:
        return
    handler = signal.getsignal(signum)
    if callable(handler):
        handler(signum, sys._getframe(1))
    elif handler == signal.SIG_DFL and signum == signal.SIGINT:
        raise KeyboardInterrupt


def _call(promise):
    """Waits for a syscall, then runs the handler of a signal that came meanwhile."""
    result = run_sync(promise)
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
    pending = _bridge.write(fd, to_js(bytes(data)))
    if pending is not None:
        _call(pending)
    return len(data)


def read(fd, size):
    while True:
        result, code = _call(_bridge.read(fd, size))
        if code is None:
            return result.to_bytes()
        if code != EINTR:
            raise error(code)


def sleep(seconds):
    """time.sleep: a kernel timer. A signal handler that returns lets the sleep go on."""
    import time

    deadline = time.monotonic() + seconds
    remaining = seconds
    while True:
        _, code = _call(_bridge.sleep(remaining * 1000.0))
        if code is None:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return


def spawn(name, method, payload):
    result, code = _call(_bridge.spawn(name, method, to_js(payload)))
    if code is not None:
        raise error(code)
    return int(result)


def waitpid(child, timeout):
    """Exit code of ``child`` (negative: killed by that signal), or None if it still runs."""
    timeout_ms = None if timeout is None else max(0.0, timeout * 1000.0)
    while True:
        result, code = _call(_bridge.waitpid(child, timeout_ms))
        if code is None:
            return None if result is None else int(result.exitCode)
        if code != EINTR:
            raise error(code)


def kill(target, signum):
    result, code = _call(_bridge.kill(int(target), int(signum)))
    if code is not None:
        raise error(code)


def exit(code):
    _bridge.exit(code)
