"""``socket.socketpair()`` on the kernel: two connected stream sockets, as on Linux (AF_UNIX).

Each socket is a kernel descriptor that writes one ring of the pair and reads the other
(procbox/fds.py), so a child process inherits it like a pipe end and ``os.read``, ``os.write``,
``select`` and ``poll`` work on it. ``multiprocessing.Pipe()`` (duplex, the default) is built on
this. The object offers the stream-socket calls a pair is used with; it is not an Emscripten
socket, so calls that need an address (``connect``, ``bind``...) do not apply to it.
"""

import os
import socket
import time

from . import fds


class PairSocket:
    """One end of a socket pair: the ``socket.socket`` calls that apply to it."""

    def __init__(self, fd, family, type_, proto):
        self._fd = fd
        self.family = socket.AddressFamily(family)
        self.type = socket.SocketKind(type_)
        self.proto = proto
        self._timeout = None

    def __repr__(self):
        state = " [closed]" if self._fd < 0 else ""
        return (
            f"<socket.socket{state} fd={self._fd}, family={self.family}, type={self.type}, "
            f"proto={self.proto}>"
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_fd", -1) >= 0:
            self.close()

    def fileno(self):
        return self._fd

    def _open_fd(self):
        if self._fd < 0:
            raise OSError(9, "Bad file descriptor")
        return self._fd

    def detach(self):
        fd, self._fd = self._fd, -1
        return fd

    def close(self):
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def setblocking(self, flag):
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        return self._timeout != 0.0

    def settimeout(self, value):
        if value is not None and value < 0:
            raise ValueError("Timeout value out of range")
        self._timeout = None if value is None else float(value)
        if self._fd >= 0:  # else applied once connected (an AF_UNIX socket)
            os.set_blocking(self._fd, self._timeout is None)

    def gettimeout(self):
        return self._timeout

    def _ready(self, events):
        """Waits as the timeout says; raises TimeoutError when it passes first."""
        if self._timeout is None or self._timeout == 0.0:
            return
        deadline = time.monotonic() + self._timeout
        poller = fds.poll()
        poller.register(self._fd, events)
        while not poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
            if time.monotonic() >= deadline:
                raise TimeoutError("timed out")

    def recv(self, bufsize, flags=0):
        self._ready(fds.POLLIN)
        return fds.read(self._open_fd(), bufsize)

    def recv_into(self, buffer, nbytes=0, flags=0):
        view = memoryview(buffer).cast("B")
        data = self.recv(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data)

    def send(self, data, flags=0):
        self._ready(fds.POLLOUT)
        return os.write(self._open_fd(), data)

    def sendall(self, data, flags=0):
        view = memoryview(data).cast("B")
        sent = 0
        while sent < len(view):
            sent += self.send(view[sent:], flags)


def _add_linux_constants():
    """Emscripten's socket module lacks AF_UNIX, SO_REUSEADDR and SO_REUSEPORT; these are
    Linux's numbers. The family enum is rebuilt the way socket.py builds it, so ``family``
    shows as ``AddressFamily.AF_UNIX``."""
    for name, value in (("SO_REUSEADDR", 2), ("SO_REUSEPORT", 15)):
        if not hasattr(socket, name):
            setattr(socket, name, value)
    if hasattr(socket, "AF_UNIX"):
        return
    socket.AF_UNIX = 1
    socket.IntEnum._convert_("AddressFamily", "socket", lambda C: C.isupper() and C.startswith("AF_"))


_add_linux_constants()


def socketpair(family=socket.AF_UNIX, type=socket.SOCK_STREAM, proto=0):
    if family != socket.AF_UNIX or type != socket.SOCK_STREAM:
        raise OSError(97, "Address family not supported by protocol")  # EAFNOSUPPORT
    fd1, fd2 = fds.socketpair_fds()
    return PairSocket(fd1, family, type, proto), PairSocket(fd2, family, type, proto)


def install():
    socket.socketpair = socketpair
