"""``tail [-n [+]N] [-c N] [FILE ...]``: the last lines or bytes of each file, as GNU tail."""

import sys

from ._files import each_input, parse_count


def main(args):
    lines, count, from_start, names = True, 10, False, []
    try:
        while args:
            arg, args = args[0], args[1:]
            if arg in ("-n", "-c") and args:
                lines, value, args = arg == "-n", args[0], args[1:]
            elif arg[:2] in ("-n", "-c") and len(arg) > 2:
                lines, value = arg[1] == "n", arg[2:]
            else:
                names.append(arg)
                continue
            from_start = value.startswith("+")
            count = parse_count(value.lstrip("+"))
    except ValueError as error:
        print(f"tail: invalid number of {'lines' if lines else 'bytes'}: '{error}'", file=sys.stderr)
        return 1

    def last(data):
        if not lines:
            return data[max(count - 1, 0):] if from_start else data[len(data) - count:] if count else b""
        pieces = data.splitlines(keepends=True)
        if from_start:
            return b"".join(pieces[max(count - 1, 0):])
        return b"".join(pieces[len(pieces) - count:]) if count else b""

    return each_input("tail", names, last)
