"""``head [-n N] [-c N] [-N] [FILE ...]``: the first lines or bytes of each file, as GNU head."""

import sys

from ._files import each_input, parse_count


def main(args):
    lines, count, names = True, 10, []
    try:
        while args:
            arg, args = args[0], args[1:]
            if arg in ("-n", "-c") and args:
                lines, count, args = arg == "-n", parse_count(args[0]), args[1:]
            elif arg[:2] in ("-n", "-c") and len(arg) > 2:
                lines, count = arg[1] == "n", parse_count(arg[2:])
            elif arg[:1] == "-" and arg[1:].isdigit():
                count = int(arg[1:])
            else:
                names.append(arg)
    except ValueError as error:
        print(f"head: invalid number of {'lines' if lines else 'bytes'}: '{error}'", file=sys.stderr)
        return 1

    def first(data):
        if not lines:
            return data[:count]
        ends = [i for i, b in enumerate(data) if b == 10][:count]
        return data if len(ends) < count else data[: ends[-1] + 1] if ends else b""

    return each_input("head", names, first)
