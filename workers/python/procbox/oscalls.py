"""The process-level calls of ``os`` and ``time`` that need the kernel.

They are replaced in the C modules (``posix``, ``time``) and in ``os``, so code that imported
them either way sees the kernel's answers.
"""

import mmap
import os
import posix
import time

from . import bridge, kernel
from .constants import ESRCH
from .errors import EINVAL, ENOSYS, ENOTTY, error

_WNOHANG = getattr(os, "WNOHANG", 1)
_native_isatty = os.isatty
_native_get_terminal_size = os.get_terminal_size


# Linux's page size. WebAssembly's pages are 64 KiB, and Emscripten says so; a program sees
# 4096, as on Linux, and multiprocessing's heap carves its first arena for Value and Array
# (mirrored at every synchronisation point, workers/ipc/mirror.ts) of that size. Emscripten's
# mmap takes offsets that are multiples of it.
PAGE_SIZE = 4096
_native_sysconf = os.sysconf
_PAGE_SIZE_NAMES = ("SC_PAGESIZE", "SC_PAGE_SIZE")


def sysconf(name):
    """os.sysconf, with Linux's page size."""
    if name in _PAGE_SIZE_NAMES or (
        isinstance(name, int) and name in (os.sysconf_names.get(n) for n in _PAGE_SIZE_NAMES)
    ):
        return PAGE_SIZE
    return _native_sysconf(name)


def getpid():
    return kernel.pid()


def getppid():
    return kernel.ppid()


def cpu_count():
    return kernel.cpu_count()


def kill(pid, sig):
    kernel.kill(pid, sig)


def getpgid(pid):
    """The process group of ``pid`` (0: this process), from the kernel's table."""
    target = int(pid) or kernel.pid()
    for row in kernel.processes():
        if row["pid"] == target:
            return row["pgid"]
    raise error(ESRCH)


def getpgrp():
    return getpgid(0)


def killpg(pgid, sig):
    """kill(-pgid): every process of the group (0: this process's own)."""
    if pgid < 0:
        raise error(EINVAL)
    kernel.kill(-pgid, sig)


def waitpid(pid, options):
    """A child, any child (-1) or one of a group (0, or below -1) that ended, reaped; its status
    encoded as Linux encodes it. (0, 0) with WNOHANG while none has ended."""
    ended = kernel.wait_child(pid, not options & _WNOHANG)
    if ended is None:
        return 0, 0
    child, code = ended
    return child, (code & 0xFF) << 8 if code >= 0 else -code


def wait():
    return waitpid(-1, 0)


def waitstatus_to_exitcode(status):
    if status & 0x7F:
        return -(status & 0x7F)
    return (status >> 8) & 0xFF


def fork():
    raise OSError(
        ENOSYS,
        "os.fork() is not available in the browser: use multiprocessing.Process, "
        "whose default 'fork' start method starts the child from a copy of this process",
    )


def _exit(status):
    """os._exit: the process ends now, with no cleanup, as on Linux."""
    kernel.exit(int(status) & 0xFF)
    bridge.sync.halt()  # the kernel is terminating this worker; nothing else may run


def isatty(fd):
    """The standard streams are the console (a terminal), or in the CLI whatever its own are."""
    if fd in (0, 1, 2):
        return bool(bridge.sync.isatty(fd))
    return _native_isatty(fd)


def get_terminal_size(fd=1, /):
    """The console's size, which the kernel keeps current as it is resized."""
    if fd not in (0, 1, 2):
        return _native_get_terminal_size(fd)
    if not bridge.sync.isatty(fd):
        raise error(ENOTTY)
    columns, rows = bridge.sync.terminalSize()
    return os.terminal_size((int(columns), int(rows)))


def sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    kernel.sleep(seconds)


def install():
    replacements = {
        "getpid": getpid,
        "getppid": getppid,
        "cpu_count": cpu_count,
        "process_cpu_count": cpu_count,
        "kill": kill,
        "killpg": killpg,
        "getpgid": getpgid,
        "getpgrp": getpgrp,
        "waitpid": waitpid,
        "wait": wait,
        "waitstatus_to_exitcode": waitstatus_to_exitcode,
        "fork": fork,
        "_exit": _exit,
        "isatty": isatty,
        "get_terminal_size": get_terminal_size,
        "sysconf": sysconf,
    }
    for name, func in replacements.items():
        setattr(os, name, func)
        if name != "process_cpu_count":
            setattr(posix, name, func)
    time.sleep = sleep
    mmap.PAGESIZE = mmap.ALLOCATIONGRANULARITY = PAGE_SIZE
