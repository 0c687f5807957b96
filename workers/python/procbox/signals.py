"""Signal delivery inside a process, as CPython's ``PyErr_CheckSignals`` does it.

The kernel sets a pending signal's bit in the interrupt buffer and rings the doorbell
(green.py); the handlers then run here, in the main thread only, which is where CPython runs
Python signal handlers.
"""

import signal
import sys

from . import green


def check():
    """Runs the handlers of pending signals now, if this is the main thread."""
    if not green.in_main():
        return
    mask = green.take_signals()
    signum = 0
    while mask:
        signum += 1
        mask >>= 1
        if not mask & 1:
            continue
        handler = signal.getsignal(signum)
        if callable(handler):
            handler(signum, sys._getframe(1))
        elif handler == signal.SIG_DFL and signum == signal.SIGINT:
            raise KeyboardInterrupt
