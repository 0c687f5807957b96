"""``socket.socket`` on the kernel's virtual network (workers/kernel/net-table.ts).

Every socket is a kernel descriptor: AF_INET and AF_INET6 stream and datagram sockets on the
loopback host, AF_UNIX stream sockets on paths, and ``socketpair()`` ends. A connected stream
socket reads and writes its two rings directly, like a pipe (procbox/fds.py), so ``os.read``,
``select``, ``poll`` and ``selectors`` work on it and a child process inherits it; a listener's
descriptor is readable while connections wait. The kernel is asked only to bind, listen,
connect, accept and close. socket.py's own ``makefile``, ``sendfile``, ``create_connection``
and ``create_server`` run on top, as does everything built on them (socketserver, http).
"""

import os
import socket as _socket_module
import time

from pyodide.ffi import to_js

from . import bridge, fds, green, netdb, waitsite
from .errors import EAGAIN, EBADF, ECONNREFUSED, EINPROGRESS, EINVAL, ENOTCONN, error, linux

AF_INET, AF_INET6, AF_UNIX = 2, 10, 1
SOCK_STREAM, SOCK_DGRAM = 1, 2
_TYPE_FLAGS = _socket_module.SOCK_NONBLOCK | _socket_module.SOCK_CLOEXEC
_Emscripten = _socket_module.socket
# Linux's defaults, reported by getsockopt until a program sets them.
_DEFAULT_OPTIONS = {(1, 8): 131072, (1, 7): 16384}  # SO_RCVBUF, SO_SNDBUF


def _addr(value):
    return None if value is None else (str(value.host), int(value.port))


class socket:
    """A kernel socket, with the methods and attributes of CPython's ``socket.socket``."""

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        self._closed = False
        self._io_refs = 0
        self._options = {}
        self._shut_rd = False
        self._so_error = 0  # a refusal that a non-blocking connect reports later
        # Neither bound nor connected yet, as far as this object knows: connect may take a
        # connection made ahead (workers/ipc/connect-stock.ts).
        self._fresh = fileno is None
        # A connected stream socket's (local, peer) addresses, once known: they never change,
        # and asyncio asks for both at every connection.
        self._names = None
        if fileno is None:
            family = AF_INET if family == -1 else family
            type = SOCK_STREAM if type == -1 else type
            self._fd = bridge.sync.fdReserve("rw")
            code = bridge.sync.sockCreate(self._fd, family, type & ~_TYPE_FLAGS)
            if code is not None:
                bridge.sync.fdUnreserve(self._fd)
                self._fd = -1  # nothing for __del__ to close
                raise error(code)
            bridge.sync.fdBind(self._fd, -1, -1)
        else:
            self._fd = fileno
            if family == -1 or type == -1:
                state = bridge.checked(bridge.sync.sockInfo(fileno))
                family = state.family if family == -1 else family
                type = state.type if type == -1 else type
        self._family = int(family)
        self._type = type & ~_TYPE_FLAGS
        self.proto = 0 if proto == -1 else proto
        timeout = _socket_module.getdefaulttimeout()
        self.settimeout(0.0 if type & _socket_module.SOCK_NONBLOCK else timeout)

    family = property(lambda self: _socket_module.AddressFamily(self._family))
    type = property(lambda self: _socket_module.SocketKind(self._type))

    def __repr__(self):
        closed = self._fd < 0
        text = (
            f"<socket.socket{' [closed]' if closed else ''} fd={self._fd}, "
            f"family={self._family}, type={self._type}, proto={self.proto}"
        )
        if not closed:
            for label, method in (("laddr", self.getsockname), ("raddr", self.getpeername)):
                try:
                    text += f", {label}={method()}"
                except OSError:
                    pass
        return text + ">"

    def __getstate__(self):
        raise TypeError(f"cannot pickle {self.__class__.__name__!r} object")

    def __enter__(self):
        return self

    def __exit__(self, *args):
        if not self._closed:
            self.close()

    def __del__(self):
        if getattr(self, "_fd", -1) >= 0 and bridge.bound():
            self._real_close()

    # socket.py's pure-Python parts, unchanged: they need only the methods below.
    makefile = _Emscripten.makefile
    _decref_socketios = _Emscripten._decref_socketios
    _check_sendfile_params = _Emscripten._check_sendfile_params
    _sendfile_use_send = _Emscripten._sendfile_use_send

    def sendfile(self, file, offset=0, count=None):
        return self._sendfile_use_send(file, offset, count)

    # --- descriptor -------------------------------------------------------------------------

    def fileno(self):
        return self._fd

    def _open_fd(self):
        if self._fd < 0:
            raise error(EBADF)
        return self._fd

    def _real_close(self):
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def close(self):
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def detach(self):
        self._closed = True
        fd, self._fd = self._fd, -1
        return fd

    def dup(self):
        return socket(self._family, self._type, self.proto, fileno=os.dup(self._open_fd()))

    def get_inheritable(self):
        return os.get_inheritable(self._open_fd())

    def set_inheritable(self, inheritable):
        os.set_inheritable(self._open_fd(), inheritable)

    # --- options and timeouts ---------------------------------------------------------------

    def setsockopt(self, level, option, value, optlen=None):
        self._options[level, option] = value

    def getsockopt(self, level, option, buflen=None):
        if (level, option) == (_socket_module.SOL_SOCKET, _socket_module.SO_TYPE):
            return self._type
        if (level, option) == (_socket_module.SOL_SOCKET, _socket_module.SO_ERROR):
            code, self._so_error = self._so_error, 0
            return code
        value = self._options.get((level, option), _DEFAULT_OPTIONS.get((level, option), 0))
        if buflen is not None:
            return value if isinstance(value, bytes) else int(value).to_bytes(4, "little")
        return value

    def settimeout(self, value):
        if value is not None:
            value = float(value)
            if value < 0:
                raise ValueError("Timeout value out of range")
        self._timeout = value
        if self._fd >= 0:
            os.set_blocking(self._fd, value is None)

    def gettimeout(self):
        return self._timeout

    def setblocking(self, flag):
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        return self._timeout != 0.0

    def _wait(self, events, deadline):
        """Parks until the descriptor is ready, as the timeout allows (0: raise EAGAIN)."""
        if self._timeout == 0.0:
            raise error(EAGAIN)
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise TimeoutError("timed out")
        fds._wait((self._open_fd(),), (events,), remaining)

    def _deadline(self):
        return None if not self._timeout else time.monotonic() + self._timeout

    # --- addresses --------------------------------------------------------------------------

    def _sockaddr(self, address):
        """(host, port) for the kernel from a Python address of this socket's family."""
        family = self._family
        if family == AF_UNIX:
            if not isinstance(address, (str, bytes, bytearray)):
                raise TypeError(f"a bytes-like object is required, not '{type(address).__name__}'")
            return os.fsdecode(bytes(address) if isinstance(address, bytearray) else address), -1
        name = "AF_INET" if family == AF_INET else "AF_INET6"
        if not isinstance(address, tuple):
            raise TypeError(f"{name} address must be tuple, not {type(address).__name__}")
        if family == AF_INET and len(address) != 2 or not 2 <= len(address) <= 4:
            raise TypeError(f"{name} address must be a pair (host, port)")
        host, port = address[0], address[1]
        if isinstance(host, bytes):
            host = host.decode()
        if not isinstance(host, str):
            raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
        if not isinstance(port, int):
            raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an integer")
        if not 0 <= port <= 65535:
            raise OverflowError("bind(): port must be 0-65535.")
        return netdb.resolve(host, family), port

    def _pyaddr(self, addr):
        if addr is None:
            return None
        host, port = addr
        if self._family == AF_UNIX:
            return host
        return (host, port) if self._family == AF_INET else (host, port, 0, 0)

    def getsockname(self):
        fd = self._open_fd()
        if self._names:
            return self._pyaddr(self._names[0])
        state = bridge.checked(bridge.sync.sockInfo(fd))
        if state.local is None:
            unbound = {AF_INET: ("0.0.0.0", 0), AF_INET6: ("::", 0, 0, 0), AF_UNIX: ""}
            return unbound[self._family]
        return self._pyaddr(_addr(state.local))

    def getpeername(self):
        fd = self._open_fd()
        if self._names:
            return self._pyaddr(self._names[1])
        state = bridge.checked(bridge.sync.sockInfo(fd))
        if state.peer is None:
            raise error(ENOTCONN)
        return self._pyaddr(_addr(state.peer))

    # --- setup ------------------------------------------------------------------------------

    def bind(self, address):
        host, port = self._sockaddr(address)
        reuse = bool(self._options.get((_socket_module.SOL_SOCKET, _socket_module.SO_REUSEADDR)))
        self._fresh = False
        result = bridge.checked(bridge.sync.sockBind(self._open_fd(), host, port, reuse))
        self._bound_by_kernel(int(result.ring))
        if self._family == AF_UNIX:
            _make_socket_file(host)

    def listen(self, backlog=128):
        self._fresh = False
        ring = bridge.checked(bridge.sync.sockListen(self._open_fd(), int(backlog)))
        bridge.sync.fdRebind(self._fd, int(ring), -1)
        self.settimeout(self._timeout)

    def connect(self, address):
        host, port = self._sockaddr(address)
        # Linux answers a non-blocking TCP connect with EINPROGRESS, even on loopback, and
        # reports a refusal later through SO_ERROR; asyncio's sock_connect reads it there.
        in_progress = self._timeout == 0.0 and self._type == SOCK_STREAM and self._family != AF_UNIX
        try:
            fresh = self._fresh and self._family == AF_INET and self._type == SOCK_STREAM
            self._fresh = False
            conn = bridge.checked(bridge.sync.sockConnect(self._open_fd(), host, port, fresh))
        except ConnectionRefusedError:
            if not in_progress:
                raise
            self._so_error = ECONNREFUSED
            raise error(EINPROGRESS) from None
        if self._type == SOCK_STREAM:
            bridge.sync.fdRebind(self._fd, int(conn.read), int(conn.write))
            self._names = (_addr(conn.local), _addr(conn.peer))
            self.settimeout(self._timeout)
            if in_progress:
                raise error(EINPROGRESS)
        else:
            self._bound_by_kernel(int(conn.read))

    def connect_ex(self, address):
        try:
            self.connect(address)
        except OSError as exc:
            if exc.errno is None:
                raise
            return exc.errno
        return 0

    def accept(self):
        """A waiting connection, as a new socket and its peer's address."""
        listener = self._open_fd()
        deadline = self._deadline()
        fd = bridge.sync.fdReserve("rw")
        try:
            while True:
                result = bridge.sync.sockAccept(listener, fd)
                code = bridge.errno_of(result)
                if code is None:
                    break
                if code != EAGAIN:
                    raise error(code)
                self._wait(fds.POLLIN, deadline)
        except BaseException:
            bridge.sync.fdUnreserve(fd)
            raise
        bridge.sync.fdBind(fd, int(result.read), int(result.write))
        conn = socket(self._family, self._type, self.proto, fileno=fd)
        conn._names = (_addr(result.local), _addr(result.peer))
        if _socket_module.getdefaulttimeout() is None and self.gettimeout():
            conn.setblocking(True)
        return conn, self._pyaddr(_addr(result.peer))

    def _accept(self):
        conn, address = self.accept()
        return conn.detach(), address

    def shutdown(self, how):
        if how not in (0, 1, 2):
            raise error(EINVAL)
        bridge.checked(bridge.sync.sockShutdown(self._open_fd(), how))
        if how in (0, 2):
            self._shut_rd = True

    # --- data -------------------------------------------------------------------------------

    def recv(self, bufsize, flags=0):
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        if self._type == SOCK_DGRAM:
            return self.recvfrom(bufsize, flags)[0]
        if self._shut_rd:
            return b""
        fd, deadline = self._open_fd(), self._deadline()
        peek = flags & _socket_module.MSG_PEEK
        while True:
            try:
                data = _peek(fd, bufsize) if peek else fds._os_read(fd, bufsize)
            except BlockingIOError:
                if flags & _socket_module.MSG_DONTWAIT:
                    raise error(EAGAIN) from None
                self._wait(fds.POLLIN, deadline)
                continue
            except OSError as exc:
                raise linux(exc) from None
            if data and not peek:  # end of file is no message
                _trace("recv", bridge.sync.fdRing(fd), len(data))
            return data

    def recv_into(self, buffer, nbytes=0, flags=0):
        view = memoryview(buffer).cast("B")
        data = self.recv(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data)

    def send(self, data, flags=0):
        if self._type == SOCK_DGRAM:
            return self.sendto(data, flags, None)
        fd, deadline = self._open_fd(), self._deadline()
        view = memoryview(data).cast("B")
        sent = 0
        while True:
            try:
                sent += fds._os_write(fd, view[sent:])
            except BlockingIOError:
                pass
            except OSError as exc:
                raise linux(exc) from None
            # A blocking send returns once all is queued; a non-blocking one with what fit.
            if sent == len(view) or sent and self._timeout is not None:
                _trace("send", bridge.sync.fdRing(fd), sent)
                return sent
            if flags & _socket_module.MSG_DONTWAIT:
                raise error(EAGAIN)
            self._wait(fds.POLLOUT, deadline)

    def sendall(self, data, flags=0):
        view = memoryview(data).cast("B")
        sent = 0
        while sent < len(view):
            sent += self.send(view[sent:], flags)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None, /):
        """Gathers the buffers into one send (asyncio's transports write this way). Ancillary
        data such as passed descriptors has no kernel support here."""
        if ancdata:
            raise error(95)  # EOPNOTSUPP
        data = b"".join(memoryview(b).cast("B") for b in buffers)
        if address is not None:
            return self.sendto(data, flags, address)
        return self.send(data, flags)

    def sendto(self, data, flags_or_address, address=None):
        if address is None and not isinstance(flags_or_address, int):
            address = flags_or_address
        to = (None, 0) if address is None else self._sockaddr(address)
        fd, tid = self._open_fd(), green.native_id()  # the kernel traces the send
        result = bridge.checked(bridge.sync.sockSendTo(fd, to_js(bytes(data)), to[0], to[1], tid))
        self._bound_by_kernel(int(result.ring))
        return int(result.sent)

    def _bound_by_kernel(self, ring):
        """A datagram socket that connect or sendto bound: it reads its new receive ring."""
        if ring >= 0:
            bridge.sync.fdRebind(self._fd, ring, -1)
            self.settimeout(self._timeout)

    def recvfrom(self, bufsize, flags=0):
        if self._type != SOCK_DGRAM:
            return self.recv(bufsize, flags), None
        fd, deadline = self._open_fd(), self._deadline()
        peek = bool(flags & _socket_module.MSG_PEEK)
        while True:
            message = bridge.sync.fdRecvMessage(fd, peek)
            if message is not None:
                break
            if flags & _socket_module.MSG_DONTWAIT:
                raise error(EAGAIN)
            self._wait(fds.POLLIN, deadline)
        data = message.to_bytes()
        if not peek:
            _trace("recv", bridge.sync.fdRing(fd), len(data) - data.index(b"\n") - 1)
        header, _, payload = data.partition(b"\n")
        host, port = header.decode().rsplit(" ", 1)
        return payload[:bufsize], self._pyaddr((host, int(port)))

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        view = memoryview(buffer).cast("B")
        data, address = self.recvfrom(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data), address


def _peek(fd, size):
    """recv(MSG_PEEK): the bytes waiting, left in place."""
    data = bridge.sync.fdPeek(fd, size)
    if data is None:
        raise BlockingIOError(EAGAIN, "Resource temporarily unavailable")
    return data.to_bytes()


def _trace(op, ring, size):
    """Reports a send or receive of ``size`` bytes for the event trace: on a connection (its
    object names both ends) or to a datagram socket (named by its address); the worker batches
    these."""
    if ring >= 0:
        bridge.sync.ipcOp(op, green.native_id(), ring, size, waitsite.caller_line(3))


def _make_socket_file(path):
    """Linux makes a socket file at the path; multiprocessing unlinks it at close. Each process
    has its own disk here, so the directory may exist only in the parent's."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        open(path, "x").close()
    except OSError:
        pass


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
    if family != AF_UNIX or type != SOCK_STREAM:
        raise error(97)  # EAFNOSUPPORT
    fd1, fd2 = fds.socketpair_fds()
    return socket(family, type, proto, fileno=fd1), socket(family, type, proto, fileno=fd2)


def fromfd(fd, family, type, proto=0):
    return socket(family, type, proto, fileno=os.dup(fd))


def _reduce_socket(sock):
    """How multiprocessing passes a socket to a child: its descriptor (inherited with fork,
    passed with spawn) and plain numbers for its kind."""
    from multiprocessing import reduction

    df = reduction.DupFd(sock.fileno())
    return _rebuild_socket, (df, sock._family, sock._type, sock.proto)


def _rebuild_socket(df, family, type, proto):
    return socket(family, type, proto, fileno=df.detach())


def install():
    _socket_module.socket = _socket_module.SocketType = socket
    socket.__module__ = "socket"
    _socket_module.socketpair = socketpair
    _socket_module.fromfd = fromfd
    _socket_module._blocking_errnos = {EAGAIN, *_socket_module._blocking_errnos}
    _add_linux_constants()
    netdb.install()
    from multiprocessing import reduction

    reduction.register(socket, _reduce_socket)


def _add_linux_constants():
    """Emscripten's socket module lacks a few of Linux's names."""
    for name, value in (("SO_REUSEADDR", 2), ("SO_REUSEPORT", 15), ("MSG_DONTWAIT", 64)):
        if not hasattr(_socket_module, name):
            setattr(_socket_module, name, value)
            _socket_module.__all__.append(name)  # `from socket import *` gives it too
    if not hasattr(_socket_module, "AF_UNIX"):
        _socket_module.AF_UNIX = AF_UNIX
        _socket_module.__all__.append("AF_UNIX")
        _socket_module.IntEnum._convert_(
            "AddressFamily", "socket", lambda C: C.isupper() and C.startswith("AF_")
        )
