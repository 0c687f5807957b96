"""Linux's signal table where Emscripten's differs, so that programs see what CPython on Linux
shows: ``SIGRTMIN`` is 34 (Emscripten: 35, and 34 is no signal), ``SIGCLD`` is another name of
``SIGCHLD``, ``SIG_IGN`` is 1 (Emscripten: 4294967294), ``strsignal`` says glibc's words, and the
layer's own signal (the doorbell, on ``SIGRTMAX``) shows the program's handler for it, never the
layer's.

Pure logic but ``install``; tests/python/test_signal_table.py compares it with this machine's.
"""

import enum
import signal

LINUX_SIGRTMIN = 34
LINUX_SIGRTMAX = 64
# glibc's words where musl's (Emscripten's) differ.
_GLIBC_WORDS = {8: "Floating point exception", 17: "Child exited"}
_ALIASES = {"SIGCLD": "SIGCHLD", "SIGIOT": "SIGABRT", "SIGPOLL": "SIGIO"}


def linux_signals(members):
    """The ``Signals`` enum of Linux from ``members`` (name -> number) as Emscripten has them.
    As CPython builds it, sorted by number then name: the first name of a number is the one
    ``Signals(n)`` gives, the others its aliases (SIGCHLD before SIGCLD)."""
    values = dict(members)
    values["SIGRTMIN"] = LINUX_SIGRTMIN
    values["SIGRTMAX"] = LINUX_SIGRTMAX
    for alias, name in _ALIASES.items():
        if name in values:
            values[alias] = values[name]
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    return enum.IntEnum("Signals", ordered, module="signal")


def strsignal(signalnum):
    """glibc's description of a signal; None for 32 and 33, which glibc keeps for itself."""
    signalnum = int(signalnum)
    if not 1 <= signalnum < signal.NSIG:
        raise ValueError("signal number out of range")
    if signalnum >= LINUX_SIGRTMIN:
        return f"Real-time signal {signalnum - LINUX_SIGRTMIN}"
    if signalnum > 31:
        return None
    return _GLIBC_WORDS.get(signalnum) or _musl_strsignal(signalnum)


_musl_strsignal = signal.strsignal
# Emscripten's SIG_IGN, which its C signal module takes and gives; programs see Linux's 1.
NATIVE_IGN = int(signal.SIG_IGN)
Handlers = enum.IntEnum("Handlers", [("SIG_DFL", 0), ("SIG_IGN", 1)], module="signal")


def to_native(handler):
    """A handler as the C signal module takes it: Linux's SIG_IGN (1) is Emscripten's."""
    if not callable(handler) and handler == Handlers.SIG_IGN:
        return NATIVE_IGN
    return handler


def to_linux(handler):
    """A handler the C signal module gave, as Linux shows it."""
    if handler is None or callable(handler):
        return handler
    return Handlers.SIG_IGN if int(handler) in (NATIVE_IGN, 1) else Handlers(int(handler))


def linux_numbers():
    """The numbers Linux's ``valid_signals()`` holds: 1-31 and the real-time 34-64."""
    return [*range(1, 32), *range(LINUX_SIGRTMIN, LINUX_SIGRTMAX + 1)]


def install(programs):
    """Puts Linux's table into the ``signal`` module. ``programs`` maps the layer's own signals
    to the program's handler for each, which ``signal.getsignal`` shows instead of the layer's."""
    signals = linux_signals({name: int(value) for name, value in signal.Signals.__members__.items()})
    signal.Signals = signals  # signal.py's own functions look it up there
    for name, member in signals.__members__.items():
        setattr(signal, name, member)
    signal.Handlers = Handlers
    signal.SIG_DFL, signal.SIG_IGN = Handlers.SIG_DFL, Handlers.SIG_IGN
    signal.strsignal = strsignal
    signal.valid_signals = lambda: {signal._int_to_enum(n, signals) for n in linux_numbers()}
    builtin_getsignal = signal.getsignal

    def getsignal(signalnum):
        signalnum = int(signalnum)
        if signalnum in programs:
            return programs[signalnum]
        return to_linux(builtin_getsignal(signalnum))

    signal.getsignal = getsignal
