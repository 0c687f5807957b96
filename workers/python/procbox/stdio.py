"""Standard streams on kernel file descriptors 0, 1 and 2.

Buffering follows CPython's: stdout is line-buffered on a terminal (the playground's console,
or the CLI's own tty) and buffered in blocks otherwise (the CLI's output piped or sent to a
file); stderr is always line-buffered. ``fileno()`` is
not offered for stdin: ``input()`` then reads through ``sys.stdin.readline()``, which blocks only
this process, instead of C's stdio, which cannot wait for the kernel.

The buffered layers are _pyio's, not _io's: the C BufferedWriter holds a C lock while the raw
write waits for the kernel or is preempted, and a second green thread printing then gets
"reentrant call inside <_io.BufferedWriter>". stdin's takes a green lock there, so that thread
waits its turn as it would on CPython's real lock; stdout's and stderr's need none
(``ConsoleWriter``).
"""

import _pyio
import _thread
import io
import os
import sys

from . import bridge, green, kernel

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


class ConsoleWriter(_pyio.BufferedWriter):
    """stdout's and stderr's buffer: _pyio's BufferedWriter, with ``write`` and ``flush`` made
    for the console, where a print on a terminal is one call of each. They take no lock: no
    thread switch can fall inside them (``unpreemptible``), and the one wait, for the console to
    make room, comes after the bytes have left the buffer, so another thread's print meanwhile
    finds a consistent buffer and queues behind them."""

    @green.unpreemptible
    def write(self, b):
        if isinstance(b, str):
            raise TypeError("can't write str to binary stream")
        if self.closed:
            raise ValueError("write to closed file")
        buffer = self._write_buf
        before = len(buffer)
        buffer += b
        written = len(buffer) - before
        if len(buffer) > self.buffer_size:
            self.flush()
        return written

    @green.unpreemptible
    def flush(self):
        if self.closed:
            raise ValueError("flush on closed file")
        buffer = self._write_buf
        if buffer:
            data = bytes(buffer)
            buffer.clear()
            kernel.write(self.raw.fileno(), data)


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
        ConsoleWriter(stdout), encoding="utf-8", line_buffering=stdout.isatty()
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        ConsoleWriter(KernelStream(2, "w")),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    job = bridge.sync.job
    if job.kind == "command":
        _redirect(list(job.devNull), list(job.redirected))


def _redirect(dev_null, redirected):
    """A command's standard streams that are not the console: a kernel pipe its parent gave it
    (``subprocess.PIPE``), a file, or /dev/null, at fds 0, 1 and 2, buffered as CPython buffers
    them when they are no terminal."""
    for fd in dev_null:
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, fd)
        os.close(null)
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if fd not in redirected:
            continue
        mode = "r" if fd == 0 else "w"
        # stderr is line-buffered even when no terminal, as in CPython 3.9 and later.
        stream = open(fd, mode, buffering=1 if fd == 2 else -1, encoding="utf-8", closefd=False,
                      errors="backslashreplace" if fd == 2 else "strict")
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
