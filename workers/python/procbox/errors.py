"""Kernel errors as CPython on Linux raises them.

Pyodide's ``errno`` module carries Emscripten's (WASI) numbers: EAGAIN is 6 there, 11 on Linux.
The kernel speaks Linux numbers (constants.py, from workers/protocol/constants.ts), so errors it reports are raised with Linux's number, message
and OSError subclass, as ``BlockingIOError: [Errno 11] Resource temporarily unavailable``.
"""

from . import linux_errno
from .constants import (  # noqa: F401  (the layer's modules take these from here)
    EAGAIN,
    EBADF,
    ECHILD,
    ECONNREFUSED,
    EINPROGRESS,
    EINVAL,
    ENOSYS,
    ENOTCONN,
    ENOTTY,
    ERRNO,
)

# The OSError subclass CPython on Linux picks for each errno name (its errnomap); every other
# errno is a plain OSError. Messages are glibc's (linux_errno.py).
_SUBCLASS_BY_NAME = {
    "EAGAIN": BlockingIOError, "EALREADY": BlockingIOError, "EINPROGRESS": BlockingIOError,
    "EWOULDBLOCK": BlockingIOError, "EPIPE": BrokenPipeError, "ESHUTDOWN": BrokenPipeError,
    "ECHILD": ChildProcessError, "ECONNABORTED": ConnectionAbortedError,
    "ECONNREFUSED": ConnectionRefusedError, "ECONNRESET": ConnectionResetError,
    "EEXIST": FileExistsError, "ENOENT": FileNotFoundError, "EISDIR": IsADirectoryError,
    "ENOTDIR": NotADirectoryError, "EINTR": InterruptedError, "EACCES": PermissionError,
    "EPERM": PermissionError, "ESRCH": ProcessLookupError, "ETIMEDOUT": TimeoutError,
}
_LINUX = {
    code: (_SUBCLASS_BY_NAME.get(name, OSError), linux_errno.MESSAGES[code])
    for name, code in linux_errno.NUMBERS.items()
}
_BY_NAME = ERRNO


def error(code, *filename):
    """The exception CPython on Linux raises for errno ``code``."""
    cls, message = _LINUX.get(code, (OSError, f"Unknown error {code}"))
    return cls(code, message, *filename)


# Emscripten's errno names by number, as Pyodide's errno module had them before install().
_emscripten_names = None
_LINUX_MARK = "_procbox_linux"


def _names():
    if _emscripten_names is not None:
        return _emscripten_names
    import errno as emscripten_errno

    return emscripten_errno.errorcode


def linux(exc):
    """The Linux form of an OSError that Emscripten's C code raised with its own errno."""
    if getattr(exc, _LINUX_MARK, False):
        return exc
    code = _BY_NAME.get(_names().get(exc.errno))
    return exc if code is None else error(code)


def to_linux(exc):
    """Gives an OSError raised by C code Linux's errno and message, in place (its class,
    chosen by Emscripten's number, already is Linux's for the same name)."""
    if getattr(exc, _LINUX_MARK, False):
        return
    exc._procbox_linux = True
    name = _names().get(exc.errno)
    code = linux_errno.NUMBERS.get(name)
    if code is None:
        return
    message = linux_errno.MESSAGES[code]
    exc.errno = code
    exc.strerror = message
    exc.args = (code, message, *exc.args[2:])


def _raised(code, offset, exc):
    """sys.monitoring's RAISE: an OSError's first sight, in the frame that called the C code
    raising it (a Python ``raise`` is the layer's or the program's, with Linux numbers)."""
    if isinstance(exc, OSError) and not getattr(exc, _LINUX_MARK, False):
        if code.co_code[offset] == _RAISE_VARARGS:
            exc._procbox_linux = True
        else:
            to_linux(exc)


_RAISE_VARARGS = None
_TOOL = 4  # a free sys.monitoring tool id (0-5 are debuggers', profilers' and coverage's)


def translate_raised():
    """Every OSError C code raises carries Linux's errno from the first frame that sees it:
    ``open('missing')`` is ``[Errno 2]``, as on Linux, whatever Emscripten's C library said."""
    import dis
    import sys

    global _RAISE_VARARGS
    _RAISE_VARARGS = dis.opmap["RAISE_VARARGS"]
    monitoring = sys.monitoring
    if monitoring.get_tool(_TOOL) is None:
        monitoring.use_tool_id(_TOOL, "procbox errno")
    monitoring.register_callback(_TOOL, monitoring.events.RAISE, _raised)
    monitoring.set_events(_TOOL, monitoring.events.RAISE)


def install():
    """``OSError(111, ...)`` is a ConnectionRefusedError on Linux: CPython picks the subclass by
    errno from a table built from the platform's numbers, Emscripten's here. The stdlib builds
    such errors from numbers the kernel reports (asyncio: ``OSError(err, 'Connect call
    failed ...')`` from SO_ERROR), so Linux's numbers join the table where Emscripten's own
    numbers leave the slot free (2, 13 and 20 mean other errors there and stay as they are).
    Then the ``errno`` module and ``os.strerror`` become Linux's; ``translate_raised`` gives
    the errors C code raises Linux's numbers too."""
    import gc

    table = next(
        found
        for found in gc.get_referrers(ConnectionRefusedError)
        if isinstance(found, dict) and found and all(isinstance(key, int) for key in found)
    )
    for code, (cls, _) in _LINUX.items():
        if cls is not OSError:
            table.setdefault(code, cls)
    _linux_errno_names()


def _linux_errno_names():
    """The ``errno`` module and ``os.strerror`` speak Linux's numbers, as every error does."""
    import errno
    import os

    global _emscripten_names
    _emscripten_names = dict(errno.errorcode)
    for name in list(vars(errno)):
        if name.startswith("E") and name not in linux_errno.NUMBERS:
            delattr(errno, name)
    for name, code in linux_errno.NUMBERS.items():
        setattr(errno, name, code)
    errno.errorcode.clear()
    errno.errorcode.update(linux_errno.NAMES)
    strerror = os.strerror

    def linux_strerror(code, /):
        return linux_errno.MESSAGES.get(code) or f"Unknown error {code}"

    linux_strerror.__doc__ = strerror.__doc__
    os.strerror = linux_strerror
