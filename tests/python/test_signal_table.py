"""procbox/signal_table.py builds Linux's signal table from Emscripten's: compared with this
machine's CPython, which is Linux's."""

import signal
import sys
import unittest

import layer  # noqa: F401  (puts the Python layer on sys.path)
from procbox import signal_table


@unittest.skipUnless(sys.platform == "linux", "compares with Linux's table")
class SignalTableTest(unittest.TestCase):
    def test_the_enum_is_linuxs(self):
        linux = {name: int(value) for name, value in signal.Signals.__members__.items()}
        # Emscripten's: SIGRTMIN one higher, and no SIGCLD, SIGIOT or SIGPOLL.
        emscripten = {n: v for n, v in linux.items() if n not in ("SIGCLD", "SIGIOT", "SIGPOLL")}
        emscripten["SIGRTMIN"] = 35
        ours = signal_table.linux_signals(emscripten)
        self.assertEqual({n: int(v) for n, v in ours.__members__.items()}, linux)
        for number in set(linux.values()):
            self.assertEqual(ours(number).name, signal.Signals(number).name)
        self.assertEqual(repr(ours.SIGRTMIN), repr(signal.SIGRTMIN))

    def test_descriptions_and_valid_numbers(self):
        for number in range(1, signal.NSIG):
            self.assertEqual(signal_table.strsignal(number), signal.strsignal(number), number)
        with self.assertRaises(ValueError):
            signal_table.strsignal(signal.NSIG)
        self.assertEqual(set(signal_table.linux_numbers()), {int(s) for s in signal.valid_signals()})

    def test_handlers_read_as_linuxs(self):
        self.assertEqual(signal_table.Handlers.SIG_IGN, signal.SIG_IGN)
        self.assertEqual(signal_table.Handlers.SIG_DFL, signal.SIG_DFL)
        self.assertIs(signal_table.to_linux(signal_table.NATIVE_IGN), signal_table.Handlers.SIG_IGN)
        self.assertIs(signal_table.to_linux(0), signal_table.Handlers.SIG_DFL)
        self.assertIs(signal_table.to_linux(print), print)
        self.assertEqual(signal_table.to_native(signal_table.Handlers.SIG_IGN), signal_table.NATIVE_IGN)
        self.assertIs(signal_table.to_native(print), print)


if __name__ == "__main__":
    unittest.main()
