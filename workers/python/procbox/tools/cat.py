"""``cat [FILE ...]``: each file's bytes (``-`` or none: standard input), as GNU cat."""

import sys


def main(args):
    status = 0
    out = sys.stdout.buffer
    for name in args or ["-"]:
        if name == "-":
            out.write(sys.stdin.buffer.read())
            continue
        try:
            with open(name, "rb") as f:
                out.write(f.read())
        except OSError as error:
            out.flush()
            print(f"cat: {name}: {error.strerror}", file=sys.stderr)
            status = 1
    return status
