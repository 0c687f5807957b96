"""``ls [-aAlR1dF] [FILE ...]``: directory listings, as GNU ls (one name a line when piped,
columns on a terminal)."""

import os
import stat
import sys
import time

from ._files import group_name, user_name


def _mode(info):
    return stat.filemode(info.st_mode)


def _date(mtime):
    recent = time.time() - 182.5 * 86400 < mtime <= time.time() + 60
    return time.strftime("%b %e %H:%M" if recent else "%b %e  %Y", time.localtime(mtime))


def _suffix(info):
    if stat.S_ISDIR(info.st_mode):
        return "/"
    if stat.S_ISLNK(info.st_mode):
        return "@"
    if stat.S_ISFIFO(info.st_mode):
        return "|"
    if stat.S_ISSOCK(info.st_mode):
        return "="
    return "*" if info.st_mode & 0o111 else ""


class Lister:
    def __init__(self, flags):
        self.flags = flags
        self.tty = sys.stdout.isatty()

    def names(self, folder):
        names = os.listdir(folder)
        if "a" in self.flags:
            names += [".", ".."]
        elif "A" not in self.flags:
            names = [n for n in names if not n.startswith(".")]
        return sorted(names, key=os.fsencode)

    def show(self, entries, folder=None):
        """Prints ``entries`` (names in ``folder``, or paths) in the chosen format."""
        infos = [os.lstat(os.path.join(folder, n) if folder else n) for n in entries]
        labels = [n + (_suffix(i) if "F" in self.flags else "") for n, i in zip(entries, infos)]
        if "l" in self.flags:
            if folder is not None:
                blocks = sum(getattr(i, "st_blocks", -(-i.st_size // 512)) for i in infos)
                print(f"total {blocks // 2}")
            rows = [(_mode(i), str(i.st_nlink), user_name(i.st_uid), group_name(i.st_gid), str(i.st_size), _date(i.st_mtime))
                    for i in infos]
            widths = [max((len(r[k]) for r in rows), default=0) for k in range(5)]
            for row, label, info, name in zip(rows, labels, infos, entries):
                if stat.S_ISLNK(info.st_mode):  # GNU marks the target, not the link
                    path = os.path.join(folder, name) if folder else name
                    label = f"{name} -> {os.readlink(path)}"
                    if "F" in self.flags and os.path.exists(path):
                        label += _suffix(os.stat(path))
                print(row[0], row[1].rjust(widths[1]), row[2].ljust(widths[2]),
                      row[3].ljust(widths[3]), row[4].rjust(widths[4]), row[5], label)
        elif self.tty and "1" not in self.flags:
            self.columns(labels)
        else:
            for label in labels:
                print(label)

    def columns(self, labels):
        """GNU's vertical columns: the fewest rows that fit the terminal's width."""
        if not labels:
            return
        width = os.get_terminal_size().columns if self.tty else 80
        for rows in range(1, len(labels) + 1):
            cols = [labels[i:i + rows] for i in range(0, len(labels), rows)]
            sizes = [max(map(len, c)) + 2 for c in cols]
            if sum(sizes) - 2 <= width:
                break
        for r in range(rows):
            line = "".join(c[r].ljust(sizes[k]) if r < len(c) else "" for k, c in enumerate(cols))
            print(line.rstrip())


def _or_complain(call, path, doing):
    """``call(path)``, or None once GNU's complaint about it is printed."""
    try:
        return call(path)
    except OSError as error:
        print(f"ls: {doing} '{path}': {error.strerror}", file=sys.stderr)
        return None


def main(args):
    flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
    paths = [a for a in args if not a.startswith("-") or a == "-"]
    bad = set(flags) - set("aAlR1dF")
    if bad:
        print(f"ls: invalid option -- '{sorted(bad)[0]}'", file=sys.stderr)
        print("Try 'ls --help' for more information.", file=sys.stderr)
        return 2
    lister, status = Lister(flags), 0
    files, folders = [], []
    for path in sorted(paths or ["."], key=os.fsencode):
        info = _or_complain(os.stat, path, "cannot access")
        if info is None:
            status = 2
            continue
        (folders if stat.S_ISDIR(info.st_mode) and "d" not in flags else files).append(path)
    if files:
        lister.show(files)
    headed = len(files) + len(folders) > 1 or "R" in flags or status
    queue = list(folders)
    first = not files
    while queue:
        folder = queue.pop(0)
        names = _or_complain(lister.names, folder, "cannot open directory")
        if names is None:
            status = 2
            continue
        if headed:
            print(("" if first else "\n") + f"{folder}:")
        first = False
        lister.show(names, folder)
        if "R" in flags:
            subfolders = [os.path.join(folder, n) for n in names if n not in (".", "..")
                          and stat.S_ISDIR(os.lstat(os.path.join(folder, n)).st_mode)]
            queue[0:0] = subfolders
    return status
