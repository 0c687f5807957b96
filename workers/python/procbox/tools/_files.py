"""What the file tools share: head, tail and wc's count argument and inputs (with GNU's
headers), and the owner's name ls and ps show."""

import sys


def parse_count(text):
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def read(name):
    """All of the file ``name``'s bytes, or standard input's for ``-``."""
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as f:
        return f.read()


def each_input(tool, names, select):
    """Writes ``select(bytes)`` of each input (``-`` or none: stdin), headed when several."""
    out, status, headed = sys.stdout.buffer, 0, False
    names = names or ["-"]
    for name in names:
        try:
            data = read(name)
        except OSError as error:
            out.flush()
            print(f"{tool}: cannot open '{name}' for reading: {error.strerror}", file=sys.stderr)
            status = 1
            continue
        if len(names) > 1:
            shown = "standard input" if name == "-" else name
            out.write(f"{chr(10) if headed else ''}==> {shown} <==\n".encode())
            headed = True
        out.write(select(data))
    return status


def user_name(uid):
    """The user's name, or the number when there is no such user (or no pwd module), as GNU."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def group_name(gid):
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)
