"""AF_UNIX stream sockets on the kernel: bind, listen, accept and connect by path.

A connection is a pair of crossed rings, as ``socket.socketpair()`` makes (procbox/socketpair.py);
a listener is a kernel object whose count is the connections waiting for ``accept``. This is
what ``multiprocessing.connection.Listener`` and ``Client`` use by default on Linux, and so
``multiprocessing.Manager()``. ``socket.socket(AF_UNIX, ...)`` makes one; other families are
Emscripten's sockets, unchanged.
"""

import os
import socket
import time

from . import green, kernel
from .errors import EAGAIN, error
from .fds import _reserve
from .socketpair import PairSocket

_EmscriptenSocket = socket.socket


class UnixSocket(PairSocket):
    def __init__(self, family=socket.AF_UNIX, type=socket.SOCK_STREAM, proto=0, fileno=None):
        if type != socket.SOCK_STREAM:
            raise OSError(94, "Socket type not supported")  # ESOCKTNOSUPPORT
        super().__init__(-1 if fileno is None else fileno, family, type, proto)
        self._listener = None
        self._name = ""
        self._peer = ""
        self._options = {}

    def fileno(self):
        return self._fd

    def getsockname(self):
        return self._name

    def getpeername(self):
        if self._fd < 0:
            raise OSError(107, "Transport endpoint is not connected")  # ENOTCONN
        return self._peer

    def setsockopt(self, level, option, value, optlen=None):
        # Options such as SO_REUSEADDR change nothing for a kernel socket; they read back.
        self._options[level, option] = value

    def getsockopt(self, level, option, buflen=None):
        return self._options.get((level, option), 0)

    def bind(self, address):
        path = os.fsdecode(address)
        if self._listener is not None or self._fd >= 0:
            raise OSError(22, "Invalid argument")
        handle, errno = kernel._call("unixBind", path)
        if errno is not None:
            raise error(errno)
        self._listener, self._name = int(handle), path
        # Linux makes a socket file there; multiprocessing unlinks it when the listener closes.
        # Each process has its own disk here, so the directory (a parent's temporary directory,
        # named in what a fork child inherited) may exist only in the parent's.
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            open(path, "x").close()
        except OSError:
            pass

    def listen(self, backlog=128):
        if self._listener is None:
            raise OSError(22, "Invalid argument")
        _, errno = kernel._call("unixListen", self._listener)
        if errno is not None:
            raise error(errno)

    def accept(self):
        if self._listener is None:
            raise OSError(22, "Invalid argument")
        bridge = kernel._bridge
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while not bridge.semTryAcquire(self._listener):
            if self._timeout == 0.0:
                raise error(EAGAIN)
            ms = -1 if deadline is None else (deadline - time.monotonic()) * 1000
            if deadline is not None and ms <= 0:
                raise TimeoutError("timed out")
            kernel._call("semWait", self._listener, ms, green.native_id())
        (fd,) = _reserve("rw")
        rings, errno = kernel._call("unixAccept", self._listener, fd)
        if errno is not None:
            bridge.fdUnreserve(fd)
            raise error(errno)
        read, write = (int(ring) for ring in rings)
        bridge.fdBind(fd, read, write)
        conn = UnixSocket(self.family, self.type, self.proto, fileno=fd)
        conn._name = self._name
        return conn, ""

    def connect(self, address):
        path = os.fsdecode(address)
        if self._fd >= 0:
            raise OSError(106, "Transport endpoint is already connected")  # EISCONN
        (fd,) = _reserve("rw")
        rings, errno = kernel._call("unixConnect", path, fd)
        if errno is not None:
            kernel._bridge.fdUnreserve(fd)
            raise error(errno)
        read, write = (int(ring) for ring in rings)
        kernel._bridge.fdBind(fd, read, write)
        self._fd, self._peer = fd, path
        self.settimeout(self._timeout)

    def close(self):
        if self._listener is not None:
            listener, self._listener = self._listener, None
            if kernel._bridge is not None:
                kernel._bridge.unixClose(listener)
        super().close()

    def __del__(self):
        if getattr(self, "_listener", None) is not None or getattr(self, "_fd", -1) >= 0:
            self.close()


class KernelSocket(_EmscriptenSocket):
    """``socket.socket``: AF_UNIX sockets are the kernel's; other families stay Emscripten's."""

    def __new__(cls, family=-1, type=-1, proto=-1, fileno=None):
        if family == socket.AF_UNIX:
            kind = socket.SOCK_STREAM if type == -1 else type
            return UnixSocket(family, kind, max(proto, 0), fileno)
        return super().__new__(cls, family, type, proto, fileno)


KernelSocket.__name__ = KernelSocket.__qualname__ = "socket"
KernelSocket.__module__ = "socket"


def install():
    socket.socket = KernelSocket
