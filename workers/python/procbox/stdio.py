"""Standard streams on kernel file descriptors 0, 1 and 2.

Buffering follows CPython's: stdout is line-buffered on a terminal (the playground's console,
or the CLI's own tty) and buffered in blocks otherwise (the CLI's output piped or sent to a
file); stderr is always line-buffered. ``fileno()`` is
not offered for stdin: ``input()`` then reads through ``sys.stdin.readline()``, which blocks only
this process, instead of C's stdio, which cannot wait for the kernel.

The buffered layer is _pyio's, not _io's: the C BufferedWriter holds a C lock while the raw write
waits for the kernel or is preempted, and a second green thread printing then gets "reentrant
call inside <_io.BufferedWriter>". _pyio takes a green lock there, so that thread waits its turn
as it would on CPython's real lock.
"""

import _pyio
import _thread
import io
import sys

from . import bridge, kernel

# _pyio binds _thread.allocate_lock when first imported; it must be the green one.
assert _pyio.Lock is _thread.allocate_lock, "procbox.threads.install() must run before stdio"


class KernelStream(io.RawIOBase):
    def __init__(self, fd, mode):
        super().__init__()
        self._fd = fd
        self._mode = mode

    def readable(self):
        return self._mode == "r"

    def writable(self):
        return self._mode == "w"

    def isatty(self):
        # The playground's console is a terminal; in the CLI, whatever its own stream is.
        return bool(bridge.sync.isatty(self._fd))

    def fileno(self):
        if self._fd == 0:
            raise io.UnsupportedOperation("fileno")
        return self._fd

    def readinto(self, buffer):
        data = kernel.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def write(self, data):
        return kernel.write(self._fd, data)


class TerminalReader(_pyio.BufferedReader):
    """stdin's buffer. ``readline`` here is IOBase's, which peeks before each read; a peek into
    an empty buffer reads the raw stream, and on a terminal that read would take the one end of
    file Ctrl-D gives, leaving the read after it to wait for more input. So a peek shows only
    what is buffered, and readline's own read makes the one raw read, as C's BufferedReader
    does: Ctrl-D ends one ``readline()``, and the next one waits."""

    def peek(self, size=0):
        with self._read_lock:
            return self._read_buf[self._read_pos :]


def install():
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        TerminalReader(KernelStream(0, "r")), encoding="utf-8", line_buffering=True
    )
    stdout = KernelStream(1, "w")
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        _pyio.BufferedWriter(stdout), encoding="utf-8", line_buffering=stdout.isatty()
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        _pyio.BufferedWriter(KernelStream(2, "w")),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
