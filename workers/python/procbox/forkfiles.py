"""Open files in a forked child, as Linux's fork leaves them: the same descriptors, sharing
one offset with the parent (the worker hands the child the descriptors,
workers/runtime/fs-mount.ts), and a copy of what the parent's buffers hold, unwritten or read
ahead. ``byvalue`` pickles a file object with ``reduce_open_file``."""
import io
import os

from . import bridge

# The shared volume's inodes show as st_ino from here up (workers/runtime/fs-mount.ts).
_VOLUME_INO = 1 << 30
FILE_TYPES = (io.TextIOWrapper, io.BufferedReader, io.BufferedWriter, io.BufferedRandom, io.FileIO)


def _raw(f):
    while hasattr(f, "buffer") or hasattr(f, "raw"):
        f = getattr(f, "buffer", None) or f.raw
    return f


def _inherited_file(fd, kind, mode, name, encoding, errors, line_buffering, unwritten, unread=b"", size=0):
    if unread:
        f = _reopen_reading_ahead(fd, kind, mode, encoding, errors, unread, size)
    elif kind is io.TextIOWrapper:
        f = open(fd, mode, encoding=encoding, errors=errors)
    else:
        f = open(fd, mode, buffering=0 if kind is io.FileIO else -1)
    if line_buffering:
        f.reconfigure(line_buffering=True)
    _raw(f).name = name
    if unwritten:
        _buffered(f).write(unwritten)
    return f


class _ReadAhead(io.FileIO):
    """A forked child's raw file that first yields what its parent had read ahead of the
    program (on Linux the child's copy of the parent's buffer holds it), then reads on at the
    shared offset."""

    def __init__(self, fd, mode, unread):
        super().__init__(fd, mode)
        self._unread = unread

    def readinto(self, b):
        if not self._unread:
            return super().readinto(b)
        n = min(len(b), len(self._unread))
        b[:n] = self._unread[:n]
        self._unread = self._unread[n:]
        return n

    def readall(self):
        unread, self._unread = self._unread, b""
        return unread + super().readall()

    def tell(self):
        return super().tell() - len(self._unread)

    def seek(self, pos, whence=os.SEEK_SET):
        if whence == os.SEEK_CUR:
            pos -= len(self._unread)
        self._unread = b""
        return super().seek(pos, whence)


def _reopen_reading_ahead(fd, kind, mode, encoding, errors, unread, size):
    """What ``open(fd, mode)`` builds, over a raw file that yields ``unread`` first, with the
    parent's buffer size (how much a read takes from the file decides where the offset goes)."""
    updating, writing = "+" in mode, any(c in mode for c in "wax")
    rawmode = "".join(c for c in mode if c in "rwxa+")
    raw = _ReadAhead(fd, rawmode, unread)
    size = size if size > 0 else io.DEFAULT_BUFFER_SIZE
    if updating:
        buffered = io.BufferedRandom(raw, size)
    elif writing:
        buffered = io.BufferedWriter(raw, size)
    else:
        buffered = io.BufferedReader(raw, size)
    if kind is not io.TextIOWrapper:
        return buffered
    text = io.TextIOWrapper(buffered, encoding, errors)
    text.mode = mode
    return text


def _unread(f, text):
    """What the parent's buffers read ahead of the program: the bytes from where the program
    stands to the shared offset. A text file whose position cannot be told (iterated with
    ``next``) or whose decoder holds state gives nothing, and its child reads on at the offset."""
    try:
        at = f.tell()
    except OSError:
        return b""
    ahead = os.lseek(f.fileno(), 0, os.SEEK_CUR)
    if not 0 <= at < ahead or (text and at >= 1 << 64):
        return b""
    return os.pread(f.fileno(), ahead - at, at)


def _buffer_size(f):
    """The size of ``f``'s buffer: what its ``__sizeof__`` counts beyond the object itself."""
    buffered = _buffered(f)
    return buffered.__sizeof__() - object.__sizeof__(buffered)


def _buffered(f):
    return f.buffer if isinstance(f, io.TextIOWrapper) else f


def _unwritten(f):
    """What the parent's buffers hold for ``f`` and have not written, as a forked child gets a
    copy of them: a flush the worker keeps aside instead of writing, put back into the
    parent's buffer, so parent and child each hold it, as on Linux (where both then write it:
    the reason to flush before starting a process)."""
    fd = f.fileno()
    bridge.sync.fileCapture(fd, True)
    try:
        f.flush()
    finally:
        captured = bridge.sync.fileCapture(fd, False)
    unwritten = captured.to_bytes() if captured is not None else b""
    if unwritten:
        _buffered(f).write(unwritten)
    return unwritten


def reduce_open_file(f):
    """A forked child has its parent's open files: the same descriptor, sharing one offset
    (the worker hands the child the descriptor, workers/runtime/fs-mount.ts), and a copy of
    what the parent's buffers hold: unwritten, or read ahead."""
    if f.closed:
        return NotImplemented
    fd = f.fileno()
    if os.fstat(fd).st_ino < _VOLUME_INO:
        return NotImplemented  # the console, or a file only this process sees
    buffered = not isinstance(f, io.FileIO)
    unwritten = _unwritten(f) if buffered and f.writable() else b""
    text = isinstance(f, io.TextIOWrapper)
    unread = _unread(f, text) if buffered and f.readable() and not unwritten else b""
    args = (
        fd,
        type(f),
        f.mode,
        _raw(f).name,
        f.encoding if text else None,
        f.errors if text else None,
        f.line_buffering if text else False,
        unwritten,
        unread,
        _buffer_size(f) if unread else 0,
    )
    return _inherited_file, args
