"""Signals as CPython on Linux has them.

The kernel decides what a signal does (kernel/signals.ts): a default action (most end the
process, with exit code -N), nothing, or this process's Python handler. So ``signal.signal``
tells the kernel each change. A handled signal's bit is set in the interrupt buffer and the
doorbell rings (green.py); ``check`` then runs the handlers in the main thread, which is where
CPython runs them, after writing the signal's number to the wakeup fd (asyncio's
``add_signal_handler`` reads it there).

The rest of the module's calls go to the kernel too: ``alarm`` and ``setitimer`` are kernel
timers (they fire while Python computes), ``pause`` and ``sigwait`` wait there,
``pthread_sigmask`` and ``sigpending`` keep the kernel's mask.
"""

import signal
import sys

from . import bridge, green, signal_table
from .constants import DEFAULT, DOORBELL, EINTR, HANDLE, IGNORE, ITIMER, SIGNAL_MAX
from .errors import error

_builtin_signal = signal.signal
_wakeup_fd = -1
_UNCATCHABLE = (signal.SIGKILL, signal.SIGSTOP)
# The program's handlers for the signals the layer keeps for itself (signal_table.install).
_programs = {}
# What each signal does by default, when its handler is SIG_DFL (signal(7)).
_IGNORED_BY_DEFAULT = (signal.SIGCHLD, signal.SIGURG, signal.SIGWINCH, signal.SIGCONT)
_STOPPING = (signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)


def check():
    """Runs the handlers of pending signals now, if this is the main thread."""
    if not green.in_main():
        return
    mask = green.take_signals() & 0xFFFFFFFF
    if not mask:
        return  # the common case: this runs after every kernel call
    for signum in _bits(mask):
        if _wakeup_fd >= 0:
            _wake(signum)
        handler = signal.getsignal(signum)
        if callable(handler):
            handler(signum, sys._getframe(1))
        elif handler == signal.SIG_DFL and _ends_process(signum):
            # The kernel thought it handled (a handler taken away meanwhile, or one a forked
            # child could not be given): the default action now.
            _tell_kernel(signum, DEFAULT)
            bridge.call("kill", bridge.sync.pid, signum)


def _bits(mask):
    return [s for s in range(1, SIGNAL_MAX + 1) if mask & (1 << s)]


def _ends_process(signum):
    return signum not in _IGNORED_BY_DEFAULT and signum not in _STOPPING


def _wake(signum):
    import os

    try:
        os.write(_wakeup_fd, bytes([signum]))
    except OSError:
        pass  # a full or closed wakeup fd loses the byte, as CPython's C handler does


def _disposition(handler):
    handler = signal_table.to_linux(handler)
    if handler == signal.SIG_DFL:
        return DEFAULT
    if handler == signal.SIG_IGN:
        return IGNORE
    return HANDLE


def _signal(signalnum, handler):
    signalnum = int(signalnum)
    if signalnum in _UNCATCHABLE:
        raise OSError(22, "Invalid argument")  # sigaction(2) refuses, as on Linux
    if signalnum in _programs:  # the doorbell's: kept for getsignal, no kernel sends it
        if not (callable(handler) or handler in (signal.SIG_DFL, signal.SIG_IGN)):
            raise TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object")
        old, _programs[signalnum] = _programs[signalnum], handler
        return old
    old = signal_table.to_linux(_builtin_signal(signalnum, signal_table.to_native(handler)))
    if bridge.bound() and 1 <= signalnum <= SIGNAL_MAX:
        _tell_kernel(signalnum, _disposition(handler))
    return old


def _tell_kernel(signum, disposition):
    """Waits for the kernel to take it, as sigaction(2) returns once it is in force: a child
    that sets a handler and then tells its parent it is ready must not be killed by the
    parent's signal for want of it."""
    if green.can_block():
        bridge.ask("sigaction", signum, disposition)
    else:
        bridge.sync.sigactionPosted(signum, disposition)


def _setitimer(which, seconds, interval=0.0):
    if which not in ITIMER.values():
        raise signal.ItimerError(22, "Invalid argument")
    if seconds < 0 or interval < 0:
        raise signal.ItimerError(22, "Invalid argument")
    old = bridge.ask("setitimer", which, float(seconds), float(interval))
    return (float(old[0]), float(old[1]))


def _getitimer(which):
    if which not in ITIMER.values():
        raise signal.ItimerError(22, "Invalid argument")
    value = bridge.ask("getitimer", which)
    return (float(value[0]), float(value[1]))


def _alarm(seconds):
    """alarm(2): the seconds left of the previous alarm, rounded as glibc rounds them."""
    left, _ = _setitimer(signal.ITIMER_REAL, int(seconds))
    if left == 0:
        return 0
    return max(1, int(left + 0.5))


def _pause():
    while True:
        _, code = bridge.call("pause")  # ends with EINTR once a handler is to run; it ran
        if code is not None:
            return None


def _raise_signal(signalnum):
    bridge.ask("kill", bridge.sync.pid, int(signalnum))


def _pthread_kill(thread_id, signalnum):
    """Every thread here shares the process's signals, which CPython handles in the main
    thread anyway; an unknown thread is ESRCH."""
    import threading

    if thread_id not in {t.ident for t in threading.enumerate()}:
        raise ProcessLookupError(3, "No such process")
    if int(signalnum) != 0:
        _raise_signal(signalnum)


def _mask_of(signals):
    mask = 0
    for s in signals:
        s = int(s)
        if not 1 <= s <= SIGNAL_MAX:
            raise ValueError(f"signal number {s} out of range [1; {SIGNAL_MAX}]")
        mask |= 1 << s
    return mask


def _signal_set(mask):
    return {_as_signal(s) for s in _bits(mask & 0xFFFFFFFF)}


def _as_signal(signum):
    try:
        return signal.Signals(signum)
    except ValueError:
        return signum


def _pthread_sigmask(how, mask):
    if how not in (signal.SIG_BLOCK, signal.SIG_UNBLOCK, signal.SIG_SETMASK):
        raise OSError(22, "Invalid argument")
    old = bridge.ask("sigmask", int(how), _mask_of(mask))
    return _signal_set(old)


def _sigpending():
    return _signal_set(bridge.ask("sigpending"))


def _sigwait(sigset):
    mask = _mask_of(sigset)
    while True:
        result, code = bridge.call("sigwait", mask)
        if code is None:
            return int(result)  # CPython returns a plain int here
        if code != EINTR:  # a handled signal came first and its handler ran: wait on
            raise error(code)


def _set_wakeup_fd(fd, *, warn_on_full_buffer=True):
    global _wakeup_fd
    if not green.in_main():
        raise ValueError("set_wakeup_fd only works in main thread of the main interpreter")
    fd = int(fd)
    if fd != -1:
        import os

        os.fstat(fd)  # EBADF for a closed descriptor, as CPython checks
    old, _wakeup_fd = _wakeup_fd, fd
    return old


def install():
    """Replaces the module's calls with the kernel's, and its table with Linux's."""
    _programs[DOORBELL] = signal.SIG_DFL
    signal_table.install(_programs)
    signal.signal = _signal
    signal.alarm = _alarm
    signal.setitimer = _setitimer
    signal.getitimer = _getitimer
    signal.pause = _pause
    signal.raise_signal = _raise_signal
    signal.pthread_kill = _pthread_kill
    signal.pthread_sigmask = _pthread_sigmask
    signal.sigpending = _sigpending
    signal.sigwait = _sigwait
    signal.set_wakeup_fd = _set_wakeup_fd
