"""Kernel pipes and socket pairs behind CPython's own descriptor calls.

A kernel pipe's descriptor is an Emscripten stream (workers/runtime/kernel-fds.ts): ``os.read``,
``os.write``, ``select``, ``poll``, ``os.dup`` and ``os.close`` already reach the ring through
CPython's C code, which never waits there: an empty or full pipe raises EAGAIN. This module
adds the waiting, for the calling thread only, so a blocking descriptor blocks as on Linux.
``os.pipe`` asks the kernel for a new pipe, and ``socket.socketpair`` for two crossed ones. ``select.poll`` and ``select.select`` wait the same
way; ``selectors`` and ``multiprocessing.connection.wait`` use them.

Installed before ``multiprocessing`` is imported, since ``Connection`` binds ``os.read`` and
``os.write`` when its module loads.
"""

import builtins
import io
import os
import select
import selectors
import time

from pyodide.ffi import to_js

from . import bridge, green, ipcnames
from .errors import error

_os_read = os.read
_os_write = os.write
_native_select = select.select
_native_poll = select.poll
POLLIN = select.POLLIN
POLLOUT = select.POLLOUT
_READ_EVENTS = select.POLLIN | select.POLLPRI
_WRITE_EVENTS = select.POLLOUT


# A wait on one descriptor first spins (a peer on the other core often answers within that),
# then, in a process with one thread, waits blocked until BLOCK_MS (no CPU, and no stack switch
# or event-loop turn to come back from); only then does the thread park. Signals and the
# worker's timers wait that long at most.
SPIN_MS = 0.1
BLOCK_MS = 2.0


def _wait(fds, events, timeout):
    """Parks this thread until one of ``fds`` may be ready or ``timeout`` seconds pass (None:
    no limit). A signal ends the wait early; its handler runs here, in the main thread."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if len(fds) == 1 and green.alone():
        spin_ms, block_ms = SPIN_MS, BLOCK_MS if green.only() else 0.0
        if timeout is not None:
            spin_ms, block_ms = min(spin_ms, timeout * 1000.0), min(block_ms, timeout * 1000.0)
        if bridge.sync.fdSpin(fds[0], events[0], spin_ms, block_ms):
            return
    # What the spin took comes off the timeout.
    ms = -1 if deadline is None else max(0.0, (deadline - time.monotonic()) * 1000.0)
    if ms == 0.0:
        return
    tid = green.native_id()  # the process list shows what this thread waits on
    bridge.call("fdWait", to_js(list(fds)), to_js(list(events)), ms, tid)


def _blocking_pipe(fd):
    return bridge.sync.isPipe(fd) and os.get_blocking(fd)


def pipe():
    """os.pipe(): a kernel pipe, so a child process can inherit either end."""
    rfd, wfd = _reserve("r", "w")
    ring, errno = bridge.call("pipe", rfd, wfd)
    if errno is not None:
        _unreserve(rfd, wfd)
        raise error(errno)
    ipcnames.created(ring)
    bridge.sync.fdBind(rfd, ring, -1)
    bridge.sync.fdBind(wfd, -1, ring)
    return rfd, wfd


def socketpair_fds():
    """Two connected stream sockets' descriptors: each writes the ring the other reads."""
    fd1, fd2 = _reserve("rw", "rw")
    rings, errno = bridge.call("socketpair", fd1, fd2)
    if errno is not None:
        _unreserve(fd1, fd2)
        raise error(errno)
    there, back = (int(ring) for ring in rings)
    ipcnames.created(there, back)
    bridge.sync.fdBind(fd1, back, there)
    bridge.sync.fdBind(fd2, there, back)
    return fd1, fd2


def _reserve(*kinds):
    return tuple(bridge.sync.fdReserve(kind) for kind in kinds)


def _unreserve(*fds):
    for fd in fds:
        bridge.sync.fdUnreserve(fd)


# Reads and writes are C calls in CPython: no thread switch and no signal handler runs inside
# one unless it blocks (a handler then runs as at EINTR). Here they are Python, so say so.
@green.unpreemptible
def read(fd, length, /):
    while True:
        try:
            return _os_read(fd, length)
        except BlockingIOError:
            if not _blocking_pipe(fd):
                raise
        _wait((fd,), (POLLIN,), None)


@green.unpreemptible
def write(fd, data, /):
    """A blocking write returns once every byte is in the pipe, as Linux's write(2) does."""
    try:
        written = _os_write(fd, data)
    except BlockingIOError:
        if not _blocking_pipe(fd):
            raise
        written = 0
    view = memoryview(data).cast("B")
    if written >= len(view) or not _blocking_pipe(fd):
        return written
    while written < len(view):
        try:
            written += _os_write(fd, view[written:])
        except BlockingIOError:
            _wait((fd,), (POLLOUT,), None)
    return written


class PipeIO(io.RawIOBase):
    """A kernel pipe's end as ``open(fd)`` gives it: FileIO's behaviour, and blocking reads and
    writes as on Linux (CPython's FileIO meets the pipe's EAGAIN and returns None)."""

    def __init__(self, fd, reading, closefd=True):
        super().__init__()
        self._fd = fd
        self._reading = reading
        self._closefd = closefd
        self.name = fd

    @property
    def mode(self):
        return "rb" if self._reading else "wb"

    @property
    def closefd(self):
        return self._closefd

    def fileno(self):
        self._checkClosed()
        return self._fd

    def readable(self):
        self._checkClosed()
        return self._reading

    def writable(self):
        self._checkClosed()
        return not self._reading

    def isatty(self):
        self._checkClosed()
        return False

    @green.unpreemptible
    def readinto(self, buffer):
        data = read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self):
        chunks = []
        while chunk := read(self._fd, io.DEFAULT_BUFFER_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)

    @green.unpreemptible
    def write(self, data):
        self._checkClosed()
        return write(self._fd, data)

    def close(self):
        if self.closed:
            return
        try:
            if self._closefd:
                os.close(self._fd)
        finally:
            super().close()

    def __repr__(self):
        return f"<procbox.PipeIO fd={self._fd} mode={self.mode!r} closefd={self._closefd}>"


_io_open = io.open


def open_(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
          opener=None):
    """``open``: a blocking kernel pipe's descriptor opens over ``PipeIO``, buffered and
    decoded as ``io.open`` would; anything else is ``io.open``'s."""
    if type(file) is not int or not bridge.bound() or not _blocking_pipe(file):
        return _io_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
    binary = "b" in mode
    raw = PipeIO(file, "r" in mode, closefd)
    line_buffering = buffering == 1 and not binary
    if buffering in (-1, 1):
        buffering = io.DEFAULT_BUFFER_SIZE
    if buffering == 0:
        if binary:
            return raw
        raw.close()
        raise ValueError("can't have unbuffered text I/O")
    kind = io.BufferedReader if raw.readable() else io.BufferedWriter
    buffer = kind(raw, buffering)
    if binary:
        return buffer
    text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
    text.mode = mode
    return text


def _split_for_wait(pairs):
    """The pipe descriptors of (fd, events) pairs, or None if another descriptor is among them
    (a file is always ready, so the native check already answered)."""
    fds, events = [], []
    for fd, mask in pairs:
        if not bridge.sync.isPipe(fd):
            return None
        fds.append(fd)
        events.append(mask)
    return fds, events


def _remaining(deadline):
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def select_(rlist, wlist, xlist, timeout=None):
    """select.select on kernel pipes and files."""
    if timeout is not None:
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
        deadline = time.monotonic() + timeout
    else:
        deadline = None
    while True:
        ready = _native_select(rlist, wlist, xlist, 0)
        if any(ready) or timeout == 0:
            return ready
        pairs = [(_fileno(f), _READ_EVENTS) for f in rlist]
        pairs += [(_fileno(f), _WRITE_EVENTS) for f in wlist]
        split = _split_for_wait(pairs)
        remaining = _remaining(deadline)
        if split is None or remaining == 0 or not pairs and deadline is None:
            return ready
        _wait(*split, remaining)


def _fileno(obj):
    return obj if isinstance(obj, int) else obj.fileno()


class poll:
    """select.poll: the native object answers readiness; waiting parks this thread."""

    def __init__(self):
        self._native = _native_poll()
        self._masks = {}

    def register(self, fd, eventmask=select.POLLIN | select.POLLPRI | select.POLLOUT, /):
        fd = _fileno(fd)
        self._native.register(fd, eventmask)
        self._masks[fd] = eventmask

    def modify(self, fd, eventmask, /):
        fd = _fileno(fd)
        self._native.modify(fd, eventmask)
        self._masks[fd] = eventmask

    def unregister(self, fd, /):
        fd = _fileno(fd)
        self._native.unregister(fd)
        del self._masks[fd]

    def poll(self, timeout=None, /):
        if timeout is not None and timeout >= 0:
            deadline = time.monotonic() + timeout / 1000.0
        else:
            deadline = None
        while True:
            ready = self._native.poll(0)
            if ready or timeout == 0:
                return ready
            split = _split_for_wait(self._masks.items())
            remaining = _remaining(deadline)
            if split is None or remaining == 0:
                return ready
            _wait(*split, remaining)


_os_set_blocking = os.set_blocking


def set_blocking(fd, blocking, /):
    if bridge.bound() and bridge.sync.isPipe(fd):
        bridge.sync.fdSetBlocking(fd, bool(blocking))
    else:
        _os_set_blocking(fd, blocking)


def install():
    io.open = builtins.open = open_
    os.set_blocking = set_blocking
    os.pipe = pipe
    os.read = read
    os.write = write
    select.select = select_
    select.poll = poll
    if not hasattr(select, "POLLRDHUP"):
        select.POLLRDHUP = 0x2000  # Linux's, which the kernel's sockets report
    selectors.PollSelector._selector_cls = poll
