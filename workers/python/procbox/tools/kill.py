"""``kill [-s SIGNAL | -SIGNAL] PID ...`` and ``kill -l``: sends a signal, as a shell's kill.

It calls ``os.kill``, so a signal from the console takes the same way as one a program sends:
the target's handler runs, or its default action. SIGTERM when none is named.
"""

import os
import signal
import sys

USAGE = "usage: kill [-s SIGNAL | -SIGNAL] PID ...\n       kill -l"


def _signal_number(name):
    """TERM, SIGTERM, 15 (as bash reads them); None for a name that is no signal."""
    if name.isdigit():
        number = int(name)
        return number if number == 0 or number in signal.valid_signals() else None
    name = name.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    member = getattr(signal.Signals, name, None) if name.isidentifier() else None
    return int(member) if member is not None else None


def _list():
    names = [s.name[3:] for s in sorted(signal.Signals, key=int) if int(s) <= 31]
    print(" ".join(names))
    return 0


def main(args):
    if args == ["-l"]:
        return _list()
    signum = signal.SIGTERM
    if args[:1] == ["-s"] and len(args) >= 2:
        signum, args = _signal_number(args[1]), args[2:]
    elif args and args[0].startswith("-") and args[0] != "--":
        signum, args = _signal_number(args[0][1:]), args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if signum is None:
        print("kill: invalid signal specification", file=sys.stderr)
        return 1
    if not args:
        print(USAGE, file=sys.stderr)
        return 2
    status = 0
    for pid in args:
        if not pid.removeprefix("-").isdigit():  # -PGID: a process group
            print(f"kill: {pid}: arguments must be process or job IDs", file=sys.stderr)
            status = 1
            continue
        try:
            os.kill(int(pid), signum)
        except ProcessLookupError:
            print(f"kill: ({pid}) - No such process", file=sys.stderr)
            status = 1
    return status
