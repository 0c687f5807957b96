"""``wc [-l] [-w] [-c] [FILE ...]``: lines, words and bytes of each file, as GNU wc."""

import os
import stat
import sys

from ._files import read


def _width(names, columns):
    """GNU's column width: one count alone is unpadded; otherwise wide enough for the regular
    files' total size, and at least 7 when a size cannot be known ahead (stdin, a pipe)."""
    if len(names) == 1 and columns == 1:
        return 1
    total, least = 0, 1
    for name in names:
        try:
            info = os.stat(name) if name != "-" else os.fstat(0)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            total += info.st_size
        else:
            least = 7
    return max(least, len(str(total)))


def main(args):
    flags = "".join(a[1:] for a in args if a.startswith("-") and a != "-")
    given = [a for a in args if not a.startswith("-") or a == "-"]
    names = given or ["-"]
    shown = [f for f in "lwc" if f in flags] or ["l", "w", "c"]
    width = _width(names, len(shown))
    totals, status = {"l": 0, "w": 0, "c": 0}, 0

    def row(counts, name):
        line = " ".join(str(counts[f]).rjust(width) for f in shown)
        print(f"{line} {name}" if name else line)

    for name in names:
        try:
            data = read(name)
        except OSError as error:
            sys.stdout.flush()
            print(f"wc: {name}: {error.strerror}", file=sys.stderr)
            status = 1
            continue
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
        for key in totals:
            totals[key] += counts[key]
        row(counts, name if given else "")
    if len(names) > 1:
        row(totals, "total")
    return status
