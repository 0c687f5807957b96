"""The process's own system calls: its identity, stdio, sleeping, children and signals.

A blocking call parks only the calling green thread until the kernel answers (bridge.py), so a
sleeping or waiting thread burns no CPU and the process's other threads run on.
"""

from collections import deque

from pyodide.ffi import to_js

from . import bridge, green
from .constants import EINTR
from .errors import error


def pid():
    return bridge.sync.pid


def ppid():
    return bridge.sync.ppid


def cpu_count():
    return bridge.sync.hardwareConcurrency


def write(fd, data):
    """Writes bytes to fd 1 or 2 (the console ring); waits only when the console is behind, as
    on a full pipe. The bytes cross as a latin-1 string, one character a byte: Pyodide passes a
    str for a fraction of what converting a buffer costs, and this runs once a printed line."""
    if bridge.sync.write(fd, str(data, "latin-1"), green.native_id()) and green.can_block():
        bridge.call("drained", fd)  # outside a thread (a JS callback) there is no waiting
    return len(data)


def read(fd, size):
    while True:
        result, code = bridge.call("read", fd, size)
        if code is None:
            return result.to_bytes()
        if code != EINTR:
            raise error(code)


def sleep(seconds):
    """time.sleep. The process's own timer ends it, so that no kernel round trip (the kernel may
    be busy with other processes) delays the wake-up; the kernel is told, to show the process
    asleep. A signal's handler runs in the main thread meanwhile; if it returns, the sleep goes
    on (PEP 475)."""
    import time

    if seconds == 0:
        green.yield_now()  # sleep(0) lets another thread run, as releasing the GIL does
        return
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        bridge.sync.tell("sleep", remaining * 1000.0)
        green.wait(deque(), deadline)


def spawn(name, method, payload, pass_fds=()):
    """Starts a child; returns its pid and its exit sentinel, a descriptor that reads end of
    file once the child is gone (``Popen.sentinel``)."""
    sentinel = bridge.sync.fdReserve("r")
    result, code = bridge.call("spawn", name, method, to_js(payload), to_js(list(pass_fds)), sentinel)
    if code is not None:
        bridge.sync.fdUnreserve(sentinel)
        raise error(code)
    if result.sentinel is None:
        bridge.sync.fdUnreserve(sentinel)
        sentinel = None
    else:
        bridge.sync.fdBind(sentinel, result.sentinel, -1)
    return int(result.pid), sentinel


def command(argv, env, cwd, pass_fds, new_session, stdio):
    """Starts a command (``subprocess``); returns its pid."""
    result, code = bridge.call(
        "command", to_js(argv), None if env is None else to_js(env), cwd, to_js(pass_fds),
        new_session, to_js(stdio),
    )
    if code is not None:
        raise error(code)
    return int(result.pid)


def exec_(argv, env, cwd, pass_fds, stdio):
    """Runs the command in place of this program (execve); returns only by raising."""
    _, code = bridge.call(
        "exec", to_js(argv), None if env is None else to_js(env), cwd, to_js(pass_fds),
        to_js(stdio),
    )
    raise error(code)


def _waitpid(selector, timeout_ms):
    """The kernel's waitpid, retried when a signal's handler interrupted it: the ended child's
    result (``pid``, ``exitCode``), or None when none has ended in time."""
    while True:
        result, code = bridge.call("waitpid", selector, timeout_ms)
        if code is None:
            return result
        if code != EINTR:
            raise error(code)


def wait_child(selector, block):
    """waitpid(2)'s choice of child (``selector``: a pid, -1 any, 0 or below a group): its
    (pid, exit code), or None when none has ended and ``block`` is false."""
    result = _waitpid(selector, None if block else 0)
    return None if result is None else (int(result.pid), int(result.exitCode))


def waitpid(child, timeout):
    """Exit code of ``child`` (negative: killed by that signal), or None if it still runs."""
    result = _waitpid(child, None if timeout is None else max(0.0, timeout * 1000.0))
    return None if result is None else int(result.exitCode)


def kill(target, signum):
    result, code = bridge.call("kill", int(target), int(signum))
    if code is not None:
        raise error(code)


def processes():
    """The process table as ``ps`` lists it (protocol/process.ts ``ProcessRow``), as dicts."""
    result, code = bridge.call("processes")
    if code is not None:
        raise error(code)
    return [row.to_py() for row in result]


def exit(code):
    bridge.sync.exit(code)
