"""Advisory file locks and shared file mappings between processes.

``fcntl.flock`` and ``fcntl.lockf`` in Pyodide lock nothing; here they ask the kernel's lock
table (workers/kernel/file-locks.ts), so they exclude other processes as on Linux, blocking or
not. ``mmap.mmap`` keeps CPython's own type, as a subclass that tells the worker when a mapping
goes, so the shared copy is freed (workers/runtime/file-mappings.ts).
"""

import fcntl
import mmap as _mmap_module
import os

from . import bridge
from .constants import EINTR
from .errors import error

_CPYTHON_MMAP = _mmap_module.mmap


def _fileno(fd):
    if isinstance(fd, int):
        return fd
    fileno = getattr(fd, "fileno", None)
    if fileno is None:
        raise TypeError("argument must be an int, or have a fileno() method.")
    return fileno()


def _lock(fd, kind, kind_of_lock, start, end, wait):
    while True:
        _, code = bridge.call("fileLock", fd, kind, kind_of_lock, start, end, wait)
        if code is None:
            return
        if code != EINTR:  # PEP 475: retried once the handlers ran
            raise error(code)


def flock(fd, operation, /):
    """flock(2): a whole-file lock for the open file description."""
    fd = _fileno(fd)
    what = {fcntl.LOCK_SH: "shared", fcntl.LOCK_EX: "exclusive", fcntl.LOCK_UN: "unlock"}
    kind_of_lock = what.get(operation & ~fcntl.LOCK_NB)
    if kind_of_lock is None:
        raise error(22)
    _lock(fd, "flock", kind_of_lock, 0, None, not operation & fcntl.LOCK_NB)


def lockf(fd, cmd, len=0, start=0, whence=0, /):
    """lockf: fcntl(F_SETLK[W]) on ``len`` bytes from ``start`` (0: to the end), as CPython's
    fcntl module builds it."""
    fd = _fileno(fd)
    if cmd == fcntl.LOCK_UN:
        kind_of_lock = "unlock"
    elif cmd & fcntl.LOCK_SH:
        kind_of_lock = "shared"
    elif cmd & fcntl.LOCK_EX:
        kind_of_lock = "exclusive"
    else:
        raise ValueError("unrecognized lockf argument")
    if whence == os.SEEK_CUR:
        start += os.lseek(fd, 0, os.SEEK_CUR)
    elif whence == os.SEEK_END:
        start += os.fstat(fd).st_size
    elif whence != os.SEEK_SET:
        raise error(22)
    if len < 0:
        start, len = start + len, -len
    if start < 0:
        raise error(22)
    end = None if len == 0 else start + len
    _lock(fd, "posix", kind_of_lock, start, end, not cmd & fcntl.LOCK_NB)


class mmap(_CPYTHON_MMAP):
    """CPython's mmap, telling the worker when a shared mapping goes."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls, *args, **kwargs)
        self._procbox_mapping = bridge.sync.fileMapped() if bridge.bound() else -1
        return self

    def _unmap(self):
        mapping, self._procbox_mapping = self._procbox_mapping, -1
        if mapping >= 0 and bridge.bound():
            bridge.sync.fileUnmap(mapping)

    def close(self):
        super().close()
        self._unmap()

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        self._unmap()

    def __repr__(self):
        return super().__repr__().replace("<mmap ", "<mmap.mmap ", 1)


mmap.__module__ = "mmap"


def link(src, dst, *, src_dir_fd=None, dst_dir_fd=None, follow_symlinks=True):
    """os.link: ``dst`` becomes another name of the file ``src`` (Emscripten has no hard
    links; the shared volume has)."""
    if src_dir_fd is not None or dst_dir_fd is not None:
        raise NotImplementedError("src_dir_fd and dst_dir_fd are unavailable on this platform")
    source, target = os.fsdecode(os.fspath(src)), os.fsdecode(os.fspath(dst))
    # CPython on Linux calls link(2), which links a symlink itself, whatever follow_symlinks
    # says (it would call linkat(2) only for follow_symlinks=False, which follows nothing).
    code = bridge.sync.fileLink(source, target, False)
    if code:
        raise error(code, src, None, dst)


def install():
    os.link = link
    fcntl.flock = flock
    fcntl.lockf = lockf
    _mmap_module.mmap = mmap
