"""Kernel errors as CPython on Linux raises them.

Pyodide's ``errno`` module carries Emscripten's (WASI) numbers: EAGAIN is 6 there, 11 on Linux.
The kernel speaks Linux numbers (constants.py, from workers/protocol/constants.ts), so errors it reports are raised with Linux's number, message
and OSError subclass, as ``BlockingIOError: [Errno 11] Resource temporarily unavailable``.
"""

from .constants import (
    EADDRINUSE,
    EADDRNOTAVAIL,
    EAFNOSUPPORT,
    EAGAIN,
    EALREADY,
    EBADF,
    ECHILD,
    ECONNABORTED,
    ECONNREFUSED,
    ECONNRESET,
    EDESTADDRREQ,
    EEXIST,
    EINPROGRESS,
    EINTR,
    EINVAL,
    EIO,
    EISCONN,
    EMFILE,
    EMSGSIZE,
    ENETUNREACH,
    ENOENT,
    ENOMEM,
    ENOSYS,
    ENOTCONN,
    ENOTSOCK,
    ENOTTY,
    EOPNOTSUPP,
    EPERM,
    EPIPE,
    ERRNO,
    ESHUTDOWN,
    ESPIPE,
    ESRCH,
    ETIMEDOUT,
)

_LINUX = {
    EPERM: (PermissionError, "Operation not permitted"),
    ENOENT: (FileNotFoundError, "No such file or directory"),
    EBADF: (OSError, "Bad file descriptor"),
    EEXIST: (FileExistsError, "File exists"),
    EMFILE: (OSError, "Too many open files"),
    ENOTTY: (OSError, "Inappropriate ioctl for device"),
    ESRCH: (ProcessLookupError, "No such process"),
    EINTR: (InterruptedError, "Interrupted system call"),
    ECHILD: (ChildProcessError, "No child processes"),
    EAGAIN: (BlockingIOError, "Resource temporarily unavailable"),
    EINVAL: (OSError, "Invalid argument"),
    EIO: (OSError, "Input/output error"),
    ENOMEM: (OSError, "Cannot allocate memory"),
    ESPIPE: (OSError, "Illegal seek"),
    ENOSYS: (OSError, "Function not implemented"),
    EPIPE: (BrokenPipeError, "Broken pipe"),
    ENOTSOCK: (OSError, "Socket operation on non-socket"),
    EDESTADDRREQ: (OSError, "Destination address required"),
    EMSGSIZE: (OSError, "Message too long"),
    EOPNOTSUPP: (OSError, "Operation not supported"),
    EAFNOSUPPORT: (OSError, "Address family not supported by protocol"),
    EADDRINUSE: (OSError, "Address already in use"),
    EADDRNOTAVAIL: (OSError, "Cannot assign requested address"),
    ENETUNREACH: (OSError, "Network is unreachable"),
    ECONNABORTED: (ConnectionAbortedError, "Software caused connection abort"),
    ECONNRESET: (ConnectionResetError, "Connection reset by peer"),
    EISCONN: (OSError, "Transport endpoint is already connected"),
    ENOTCONN: (OSError, "Transport endpoint is not connected"),
    ESHUTDOWN: (BrokenPipeError, "Cannot send after transport endpoint shutdown"),
    ETIMEDOUT: (TimeoutError, "Connection timed out"),
    ECONNREFUSED: (ConnectionRefusedError, "Connection refused"),
    EALREADY: (BlockingIOError, "Operation already in progress"),
    EINPROGRESS: (BlockingIOError, "Operation now in progress"),
}
_BY_NAME = ERRNO


def error(code, *filename):
    """The exception CPython on Linux raises for errno ``code``."""
    cls, message = _LINUX.get(code, (OSError, f"Unknown error {code}"))
    return cls(code, message, *filename)


def linux(exc):
    """The Linux form of an OSError that Emscripten's C code raised with its own errno."""
    import errno as emscripten_errno

    name = emscripten_errno.errorcode.get(exc.errno)
    code = _BY_NAME.get(name)
    return exc if code is None else error(code)


# Only the kernel's sockets raise these here, always with Linux's numbers.
_NETWORK = (ENOTSOCK, EDESTADDRREQ, EMSGSIZE, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL,
            ENETUNREACH, ECONNABORTED, ECONNRESET, EISCONN, ENOTCONN, ESHUTDOWN, ETIMEDOUT,
            ECONNREFUSED, EALREADY, EINPROGRESS)


def install():
    """``OSError(111, ...)`` is a ConnectionRefusedError on Linux: CPython picks the subclass by
    errno from a table built from the platform's numbers, Emscripten's here. The stdlib builds
    such errors from numbers the kernel reports (asyncio: ``OSError(err, 'Connect call
    failed ...')`` from SO_ERROR), so Linux's numbers join the table where Emscripten's own
    numbers leave the slot free (2, 13 and 20 mean other errors there and stay as they are)."""
    import gc

    table = next(
        found
        for found in gc.get_referrers(ConnectionRefusedError)
        if isinstance(found, dict) and found and all(isinstance(key, int) for key in found)
    )
    for code in (ESRCH, EINTR, ECHILD, EAGAIN, EPIPE, *_NETWORK):
        if _LINUX[code][0] is not OSError:
            table.setdefault(code, _LINUX[code][0])
    _network_errno_names()


def _network_errno_names():
    """``errno.ECONNREFUSED`` is 111, as the errors carry; ``os.strerror`` knows the text."""
    import errno
    import os

    names = {value: name for name, value in _BY_NAME.items()}
    for code in _NETWORK:
        setattr(errno, names[code], code)
        errno.errorcode[code] = names[code]
    strerror = os.strerror

    def linux_strerror(code, /):
        return _LINUX[code][1] if code in _NETWORK else strerror(code)

    linux_strerror.__doc__ = strerror.__doc__
    os.strerror = linux_strerror
