"""Kernel errors as CPython on Linux raises them.

Pyodide's ``errno`` module carries Emscripten's (WASI) numbers: EAGAIN is 6 there, 11 on Linux.
The kernel speaks Linux numbers, so errors it reports are raised with Linux's number, message
and OSError subclass, as ``BlockingIOError: [Errno 11] Resource temporarily unavailable``.
"""

EPERM = 1
ENOENT = 2
ESRCH = 3
EINTR = 4
EBADF = 9
ECHILD = 10
EAGAIN = 11
EEXIST = 17
EINVAL = 22
EMFILE = 24
ENOSYS = 38
EADDRINUSE = 98
ECONNREFUSED = 111

_LINUX = {
    EPERM: (PermissionError, "Operation not permitted"),
    ENOENT: (FileNotFoundError, "No such file or directory"),
    EBADF: (OSError, "Bad file descriptor"),
    EEXIST: (FileExistsError, "File exists"),
    EMFILE: (OSError, "Too many open files"),
    ESRCH: (ProcessLookupError, "No such process"),
    EINTR: (InterruptedError, "Interrupted system call"),
    ECHILD: (ChildProcessError, "No child processes"),
    EAGAIN: (BlockingIOError, "Resource temporarily unavailable"),
    EINVAL: (OSError, "Invalid argument"),
    ENOSYS: (OSError, "Function not implemented"),
    EADDRINUSE: (OSError, "Address already in use"),
    ECONNREFUSED: (ConnectionRefusedError, "Connection refused"),
}


def error(code, *filename):
    """The exception CPython on Linux raises for errno ``code``."""
    cls, message = _LINUX.get(code, (OSError, f"Unknown error {code}"))
    return cls(code, message, *filename)
