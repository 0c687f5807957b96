"""procbox/stdio.py: stdout's and stderr's buffer (``ConsoleWriter``) under CPython's own
TextIOWrapper, with the kernel's write recorded instead of sent."""

import io
import unittest
from unittest import mock

import layer  # noqa: F401  (puts workers/python on sys.path)

from procbox import kernel, stdio


class ConsoleWriterTest(unittest.TestCase):
    def setUp(self):
        self.writes = []
        self.while_waiting = None
        patcher = mock.patch.object(kernel, "write", side_effect=self.kernel_write)
        patcher.start()
        self.addCleanup(patcher.stop)

    def kernel_write(self, fd, data):
        """Records a write; ``while_waiting`` runs as if the writer parked for room then."""
        self.writes.append((fd, bytes(data)))
        if self.while_waiting:
            run, self.while_waiting = self.while_waiting, None
            run()
        return len(data)

    def stream(self, line_buffering, fd=1):
        writer = stdio.ConsoleWriter(stdio.KernelStream(fd, "w"))
        return io.TextIOWrapper(writer, encoding="utf-8", line_buffering=line_buffering)

    def test_on_a_terminal_each_printed_line_is_one_write(self):
        out = self.stream(line_buffering=True)
        print("a", 1, file=out)
        print("主线程", file=out)
        self.assertEqual(self.writes, [(1, b"a 1\n"), (1, "主线程\n".encode())])

    def test_piped_output_waits_for_a_full_block_or_a_flush(self):
        out = self.stream(line_buffering=False)
        for i in range(10):
            print("line", i, file=out)
        self.assertEqual(self.writes, [])
        out.flush()
        self.assertEqual(self.writes, [(1, "".join(f"line {i}\n" for i in range(10)).encode())])
        self.writes.clear()
        out.write("x" * 20_000)  # past the buffer's size: written without a flush
        self.assertEqual(sum(len(data) for _, data in self.writes), 20_000)

    def test_binary_writes_buffer_until_flushed_as_cpython_does(self):
        out = self.stream(line_buffering=True)
        self.assertEqual(out.buffer.write(memoryview(b"raw\n")), 4)
        self.assertEqual(self.writes, [])
        print("text", file=out)  # the text layer's flush takes the bytes before it too
        self.assertEqual(self.writes, [(1, b"raw\ntext\n")])

    def test_a_print_while_another_waits_for_room_goes_after_it(self):
        out = self.stream(line_buffering=True)
        self.while_waiting = lambda: print("second", file=out)
        print("first", file=out)
        self.assertEqual(self.writes, [(1, b"first\n"), (1, b"second\n")])

    def test_a_closed_stream_refuses_writes(self):
        writer = stdio.ConsoleWriter(stdio.KernelStream(2, "w"))
        writer.close()
        with self.assertRaises(ValueError):
            writer.write(b"late")


if __name__ == "__main__":
    unittest.main()
