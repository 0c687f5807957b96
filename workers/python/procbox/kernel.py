"""System calls into the Procbox kernel.

Every blocking call suspends the interpreter's stack with ``pyodide.ffi.run_sync`` until the
kernel answers, so a sleeping or waiting process burns no CPU. The JS side of each call is a
small bridge (``_procbox_js``) that the process worker registers before the job starts; it is
bound late so no JS object is captured in the memory snapshot.
"""

import errno
import os
import signal
import sys

from pyodide.ffi import run_sync, to_js

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
    """Waits for a syscall; on EINTR runs the signal handler, then reports EINTR."""
    result = run_sync(promise)
    code = _errno_of(result)
    if code == errno.EINTR:
        check_signals()
    return result, code


def _raise(code, what=None):
    raise OSError(code, os.strerror(code), *((what,) if what else ()))


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
        run_sync(pending)
    return len(data)


def read(fd, size):
    while True:
        result, code = _call(_bridge.read(fd, size))
        if code is None:
            return result.to_bytes()
        if code != errno.EINTR:
            _raise(code)


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
    result = run_sync(_bridge.spawn(name, method, to_js(payload)))
    code = _errno_of(result)
    if code is not None:
        _raise(code)
    return int(result)


def waitpid(child, timeout):
    """Exit code of ``child`` (negative: killed by that signal), or None if it still runs."""
    timeout_ms = None if timeout is None else max(0.0, timeout * 1000.0)
    while True:
        result, code = _call(_bridge.waitpid(child, timeout_ms))
        if code is None:
            return None if result is None else int(result.exitCode)
        if code != errno.EINTR:
            _raise(code)


def kill(target, signum):
    result = run_sync(_bridge.kill(int(target), int(signum)))
    code = _errno_of(result)
    if code is not None:
        _raise(code)


def exit(code):
    _bridge.exit(code)
