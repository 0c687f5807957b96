"""``ps [-e | -A] [-f] [-p PIDLIST] [-o FORMAT]``: the process table, as procps-ng's ps prints it.

The rows come from the kernel (``processes``), each a dict: pid, ppid, pgid, argv, state (R, S
or Z), threads, tty, foreground, started (ms since the epoch). The kernel keeps no CPU time, so
TIME and C read 0, as they do on Linux for a process that has not yet used a second.
"""

import os
import sys
import time

from ._files import user_name

USAGE = """
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1)."""

TERMINAL = "pts/0"  # the console


def _comm(row):
    return os.path.basename(row["argv"][0] if row["argv"] else "")[:15]


def _args(row):
    if row["state"] == "Z":
        return f"[{_comm(row)}] <defunct>"
    return " ".join(row["argv"]) or f"[{_comm(row)}]"


def _stat(row):
    flags = row["state"]
    if not row["tty"] and row["pgid"] == row["pid"]:
        flags += "s"  # a session leader (start_new_session)
    if row["threads"]:
        flags += "l"
    if row["foreground"]:
        flags += "+"
    return flags


def _stime(row, now):
    started = row["started"] / 1000
    if now - started < 86400:
        return time.strftime("%H:%M", time.localtime(started))
    same_year = time.localtime(started).tm_year == time.localtime(now).tm_year
    return time.strftime("%b%d" if same_year else "%Y", time.localtime(started))


# name: (header, width, right-aligned, value of a row at a time)
FIELDS = {
    "pid": ("PID", 5, True, lambda r, now: str(r["pid"])),
    "ppid": ("PPID", 5, True, lambda r, now: str(r["ppid"])),
    "pgid": ("PGID", 5, True, lambda r, now: str(r["pgid"])),
    "c": ("C", 2, True, lambda r, now: "0"),
    "stime": ("STIME", 5, False, _stime),
    "tty": ("TT", 8, False, lambda r, now: TERMINAL if r["tty"] else "?"),
    "tname": ("TTY", 8, False, lambda r, now: TERMINAL if r["tty"] else "?"),
    "time": ("TIME", 8, True, lambda r, now: "00:00:00"),
    "stat": ("STAT", 4, False, lambda r, now: _stat(r)),
    "s": ("S", 1, False, lambda r, now: r["state"]),
    "uid": ("UID", 5, True, lambda r, now: str(os.getuid())),
    "user": ("USER", 8, False, lambda r, now: user_name(os.getuid())),
    "comm": ("COMMAND", 15, False, lambda r, now: _comm(r)),
    "ucmd": ("CMD", 15, False, lambda r, now: _comm(r)),
    "args": ("COMMAND", 27, False, lambda r, now: _args(r)),
    "cmd": ("CMD", 27, False, lambda r, now: _args(r)),
    "command": ("COMMAND", 27, False, lambda r, now: _args(r)),
}
DEFAULT = [("pid", None), ("tname", None), ("time", None), ("ucmd", None)]
FULL = [("user", "UID"), ("pid", None), ("ppid", None), ("c", None), ("stime", None),
        ("tname", None), ("time", None), ("cmd", None)]


class Usage(Exception):
    """A command line ps rejects: its message, then the usage text."""


def _pids(text):
    pids = text.replace(",", " ").split()
    if not pids or not all(p.isdigit() and int(p) > 0 for p in pids):
        raise Usage("process ID list syntax error")
    return {int(p) for p in pids}


def _format(text):
    columns = []
    for spec in text.replace(" ", ",").split(","):
        name, equals, header = spec.partition("=")
        if name not in FIELDS:
            raise Usage(f'unknown user-defined format specifier "{name}"')
        columns.append((name, header if equals else None))
    return columns


def _options(args):
    """(every process, the pids asked for or None, the columns)."""
    everyone, pids, columns, full = False, None, None, False
    args = list(args)
    while args:
        arg = args.pop(0)
        if not arg.startswith("-"):
            raise Usage("BSD-style options such as 'aux' are not available here; try ps -ef")
        letters = arg[1:]
        while letters:
            letter, letters = letters[0], letters[1:]
            if letter in "eA":
                everyone = True
            elif letter == "f":
                full = True
            elif letter in "po":
                value = letters or (args.pop(0) if args else "")
                letters = ""
                if letter == "p":
                    pids = (pids or set()) | _pids(value)
                else:
                    columns = (columns or []) + _format(value)
            else:
                raise Usage("unsupported SysV option")
    return everyone, pids, columns or (FULL if full else DEFAULT)


def render(args, rows, me, now):
    """What ``ps args`` prints of ``rows``, run by the process ``me``; (lines, status)."""
    everyone, pids, columns = _options(args)
    mine = next((r for r in rows if r["pid"] == me), None)
    tty = mine["tty"] if mine else False
    chosen = sorted(
        (r for r in rows if everyone or (r["pid"] in pids if pids is not None else r["tty"] == tty)),
        key=lambda r: r["pid"],
    )
    table = [[(header if header is not None else FIELDS[name][0]) for name, header in columns]]
    table += [[FIELDS[name][3](row, now) for name, _ in columns] for row in chosen]
    lines = []
    for number, cells in enumerate(table):
        if number == 0 and all(header == "" for _, header in columns):
            continue
        out = []
        for k, ((name, _), cell) in enumerate(zip(columns, cells)):
            _, width, right, _ = FIELDS[name]
            last = k == len(columns) - 1
            out.append(cell.rjust(width) if right else cell if last else cell.ljust(width))
        lines.append(" ".join(out))
    return lines, 0 if chosen else 1


def main(args):
    from .. import kernel  # the kernel's table: only inside Procbox

    try:
        lines, status = render(args, kernel.processes(), os.getpid(), time.time())
    except Usage as error:
        print(f"error: {error}\n{USAGE}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return status
