"""procbox/errors.py: kernel errno numbers become the exceptions CPython on Linux raises.

The ground truth is this machine: native CPython on Linux, whose ``os.strerror`` is glibc's and
whose ``OSError(code, ...)`` picks the subclass from Linux's numbers. Pyodide's side (Emscripten's
numbers in ``errno``, its ``os.strerror`` and its errno -> subclass table) is faked with
unittest.mock for ``linux()`` and ``install()``, and everything is put back afterwards.
"""

import contextlib
import errno
import gc
import os
import sys
import unittest
from unittest import mock

import layer  # noqa: F401  (puts workers/python on sys.path)

from procbox import errors
from procbox.constants import ERRNO

LINUX_ONLY = unittest.skipUnless(sys.platform.startswith("linux"), "Linux is the ground truth")
NATIVE_STRERROR = os.strerror

# Emscripten's numbers for the names these tests use, as Pyodide 3.14's errno module has them.
EMSCRIPTEN = {
    "EACCES": 2, "EAGAIN": 6, "EALREADY": 7, "ECHILD": 12, "ECONNABORTED": 13,
    "ECONNREFUSED": 14, "ECONNRESET": 15, "EEXIST": 20, "EINPROGRESS": 26, "EINTR": 27,
    "EISCONN": 30, "EISDIR": 31, "ENOENT": 44, "ENOTCONN": 53, "ENOTDIR": 54, "ENOTSOCK": 57,
    "EPERM": 63, "EPIPE": 64, "ESRCH": 71, "ETIMEDOUT": 73, "ESHUTDOWN": 140,
}
# CPython's errno -> OSError subclass table as Pyodide 3.14 has it (Emscripten's numbers).
EMSCRIPTEN_SUBCLASSES = {
    2: PermissionError, 6: BlockingIOError, 7: BlockingIOError, 12: ChildProcessError,
    13: ConnectionAbortedError, 14: ConnectionRefusedError, 15: ConnectionResetError,
    20: FileExistsError, 26: BlockingIOError, 27: InterruptedError, 31: IsADirectoryError,
    44: FileNotFoundError, 54: NotADirectoryError, 63: PermissionError, 64: BrokenPipeError,
    71: ProcessLookupError, 73: TimeoutError, 140: BrokenPipeError,
}


@LINUX_ONLY
class ErrorTest(unittest.TestCase):
    """``error(code, *filename)``: CPython-on-Linux's exception for a kernel errno."""

    def assertLinuxError(self, exc, cls, code, message):
        self.assertIs(type(exc), cls)
        self.assertEqual(exc.errno, code)
        self.assertEqual(exc.strerror, message)
        self.assertEqual(str(exc), f"[Errno {code}] {message}")

    def test_common_errors_read_as_on_linux(self):
        self.assertLinuxError(errors.error(111), ConnectionRefusedError, 111, "Connection refused")
        self.assertLinuxError(
            errors.error(11), BlockingIOError, 11, "Resource temporarily unavailable"
        )
        self.assertLinuxError(errors.error(32), BrokenPipeError, 32, "Broken pipe")
        self.assertLinuxError(
            errors.error(104), ConnectionResetError, 104, "Connection reset by peer"
        )
        self.assertLinuxError(errors.error(9), OSError, 9, "Bad file descriptor")

    def test_a_filename_is_part_of_the_error(self):
        exc = errors.error(2, "/no/such/dir/data.txt")
        self.assertIs(type(exc), FileNotFoundError)
        self.assertEqual(exc.filename, "/no/such/dir/data.txt")
        # Exactly what native open() raises for a missing file.
        with self.assertRaises(FileNotFoundError) as native:
            open("/no/such/dir/data.txt")
        self.assertEqual(str(exc), str(native.exception))
        self.assertEqual(exc.args, native.exception.args)

    def test_every_kernel_errno_has_linux_message_and_class(self):
        for name, code in ERRNO.items():
            with self.subTest(name=name, code=code):
                # The kernel's numbers are Linux's ...
                self.assertEqual(getattr(errno, name), code)
                exc = errors.error(code)
                # ... and so are the message and the class native CPython picks for them.
                self.assertEqual(exc.strerror, os.strerror(code))
                self.assertIs(type(exc), type(OSError(code, "x")))
                self.assertEqual(str(exc), str(OSError(code, os.strerror(code))))

    def test_unknown_code_is_a_plain_oserror(self):
        for code in (1000, 4242, -3):  # (0 is no error: Linux calls it "Success")
            with self.subTest(code=code):
                exc = errors.error(code)
                self.assertIs(type(exc), OSError)
                self.assertEqual(exc.errno, code)
                self.assertEqual(str(exc), f"[Errno {code}] Unknown error {code}")
                self.assertEqual(exc.strerror, os.strerror(code))


@contextlib.contextmanager
def emscripten_errno_module():
    """Pyodide's errno module: Emscripten's numbers under Linux's names."""
    names = [name for name in dir(errno) if name.startswith("E")]
    with mock.patch.dict(errno.__dict__), mock.patch.dict(errno.errorcode, clear=True):
        for name in names:
            delattr(errno, name)
        for name, code in EMSCRIPTEN.items():
            setattr(errno, name, code)
            errno.errorcode[code] = name
        yield


@LINUX_ONLY
class LinuxTest(unittest.TestCase):
    """``linux(exc)``: an OSError with Emscripten's errno becomes Linux's, matched by name."""

    def test_emscripten_numbers_become_linux_errors(self):
        with emscripten_errno_module():
            again = errors.linux(BlockingIOError(6, "Resource temporarily unavailable"))
            refused = errors.linux(ConnectionRefusedError(14, "Connection refused"))
            broken = errors.linux(BrokenPipeError(64, "Broken pipe"))
            reset = errors.linux(ConnectionResetError(15, "Connection reset by peer"))
        self.assertIs(type(again), BlockingIOError)
        self.assertEqual(str(again), "[Errno 11] Resource temporarily unavailable")
        self.assertIs(type(refused), ConnectionRefusedError)
        self.assertEqual(str(refused), "[Errno 111] Connection refused")
        self.assertIs(type(broken), BrokenPipeError)
        self.assertEqual(str(broken), "[Errno 32] Broken pipe")
        self.assertEqual((type(reset), reset.errno), (ConnectionResetError, 104))

    def test_the_number_means_what_emscripten_means(self):
        with emscripten_errno_module():
            # 2 is Emscripten's EACCES, not ENOENT: it becomes Linux's EACCES, 13.
            denied = errors.linux(PermissionError(2, "Permission denied"))
            self.assertEqual((type(denied), denied.errno), (PermissionError, 13))
            # 13 is Emscripten's ECONNABORTED (Linux's EACCES): it becomes Linux's 103.
            aborted = errors.linux(OSError(13, "Connection aborted"))
        self.assertEqual((type(aborted), aborted.errno), (ConnectionAbortedError, 103))
        self.assertEqual(aborted.strerror, os.strerror(103))

    def test_errors_without_a_known_number_are_left_alone(self):
        with emscripten_errno_module():
            for exc in (OSError("no errno"), OSError(9999, "odd"), OSError(None, "none")):
                with self.subTest(exc=exc):
                    self.assertIs(errors.linux(exc), exc)


@contextlib.contextmanager
def emscripten_interpreter():
    """The interpreter as Pyodide has it: Emscripten's errno numbers, os.strerror and errno ->
    OSError subclass table. Everything is restored afterwards.

    ``install()`` finds CPython's table with ``gc.get_referrers``. Native CPython (3.11 to 3.13)
    does not track that dict in the gc, so there it cannot be found (Pyodide's 3.14 finds it);
    here ``gc.get_referrers`` hands a copy of Pyodide's table over, among other dicts."""
    table = dict(EMSCRIPTEN_SUBCLASSES)
    decoys = [{"ConnectionRefusedError": ConnectionRefusedError}, {}]

    def emscripten_strerror(code, /):
        """Emscripten's strerror."""
        return f"emscripten message {code}"

    def get_referrers(*objects):
        assert objects == (ConnectionRefusedError,), objects
        return [*decoys, table]

    with emscripten_errno_module(), mock.patch.object(os, "strerror", emscripten_strerror), \
            mock.patch.object(gc, "get_referrers", get_referrers), \
            mock.patch.object(errors, "_emscripten_names", None):
        yield table, emscripten_strerror
    assert decoys == [{"ConnectionRefusedError": ConnectionRefusedError}, {}], decoys


@LINUX_ONLY
class InstallTest(unittest.TestCase):
    """``install()``: Linux's numbers join CPython's subclass table, errno and os.strerror."""

    def tearDown(self):
        self.assertIs(os.strerror, NATIVE_STRERROR)
        self.assertEqual((errno.ECONNREFUSED, errno.errorcode[111]), (111, "ECONNREFUSED"))
        self.assertIsNone(errors._emscripten_names)

    def test_linux_numbers_join_the_subclass_table(self):
        with emscripten_interpreter() as (table, _):
            errors.install()
        linux_subclasses = {
            code: cls for code, (cls, _) in errors._LINUX.items() if cls is not OSError
        }
        for code, cls in linux_subclasses.items():
            with self.subTest(code=code):
                self.assertIs(cls, type(OSError(code, "x")))  # as native CPython on Linux
                if code not in EMSCRIPTEN_SUBCLASSES:
                    self.assertIs(table.get(code), cls)
        # Emscripten's own numbers keep their slots: 2 is its EACCES, 13 its ECONNABORTED,
        # 20 its EEXIST (on Linux: ENOENT, EACCES and ENOTDIR).
        for code, cls in EMSCRIPTEN_SUBCLASSES.items():
            with self.subTest(code=code):
                self.assertIs(table[code], cls)
        # Nothing else: the errnos whose exception is a plain OSError add no entry.
        self.assertEqual(set(table), set(EMSCRIPTEN_SUBCLASSES) | set(linux_subclasses))

    def test_a_taken_slot_is_kept(self):
        with emscripten_interpreter() as (table, _):
            table[111] = IsADirectoryError  # as if Emscripten used 111 for something else
            errors.install()
        self.assertIs(table[111], IsADirectoryError)
        self.assertIs(table[104], ConnectionResetError)

    def test_errno_names_and_messages_are_linux(self):
        with emscripten_interpreter() as (_, emscripten_strerror):
            errors.install()
            names = {name: getattr(errno, name) for name in dir(errno) if name.startswith("E")}
            codes = dict(errno.errorcode)
            messages = {code: os.strerror(code) for code in errno.errorcode}
            doc = os.strerror.__doc__
        native = {name: getattr(errno, name) for name in dir(errno) if name.startswith("E")}
        self.assertEqual(names, native)
        self.assertEqual(codes, errno.errorcode)
        for code, message in messages.items():
            if code:
                self.assertEqual(message, NATIVE_STRERROR(code), code)
        self.assertEqual(doc, emscripten_strerror.__doc__)

    def test_c_errors_get_linux_numbers_in_place(self):
        with emscripten_interpreter():
            errors.install()
            # What Pyodide's open("missing.txt") raises: Emscripten's ENOENT, 44.
            missing = FileNotFoundError(44, "No such file or directory", "missing.txt")
            errors.to_linux(missing)
            errors.to_linux(missing)  # once only: the first frame that sees it
            again = BlockingIOError(6, "Resource temporarily unavailable")
            errors.to_linux(again)
        with self.assertRaises(FileNotFoundError) as native:
            open("missing.txt")
        self.assertEqual(str(missing), str(native.exception))
        self.assertEqual(missing.args, native.exception.args)
        self.assertEqual((again.errno, again.strerror), (11, "Resource temporarily unavailable"))

    def test_the_table_is_this_linux(self):
        from procbox import linux_errno

        native = {name: getattr(errno, name) for name in dir(errno) if name.startswith("E")}
        self.assertEqual(linux_errno.NUMBERS, native)
        self.assertEqual(linux_errno.NAMES, errno.errorcode)
        for code, message in linux_errno.MESSAGES.items():
            self.assertEqual(message, NATIVE_STRERROR(code))


if __name__ == "__main__":
    unittest.main()
