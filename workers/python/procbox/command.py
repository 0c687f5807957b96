"""``python`` command lines, read as CPython's ``main()`` reads them.

Pure logic (unit-tested under native python3): what a command a program started runs, and the
``sys.argv`` it sees.
"""

# Options that take no argument and change nothing a program here can see.
_FLAGS = set("bBdEhiIOqsSuvVx")
_WITH_ARGUMENT = set("WX")

USAGE = (
    "usage: {program} [option] ... [-c cmd | -m mod | file | -] [arg] ...\n"
    "Try `python -h' for more information.\n"
)


class Command:
    """What to run: ``kind`` is 'code' (-c), 'module' (-m), 'script' (a file) or 'stdin'
    (``-`` or nothing); ``error`` is the usage message and ``status`` 2 when the line is
    wrong."""

    def __init__(self, kind, target, argv, error=None):
        self.kind = kind
        self.target = target
        self.argv = argv
        self.error = error
        self.status = 2 if error else 0

    def __repr__(self):
        return f"Command({self.kind!r}, {self.target!r}, {self.argv!r}, {self.error!r})"


def parse(argv):
    """``argv`` is the whole command line, the program's name first."""
    program = argv[0] if argv else "python3"
    args = list(argv[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-" or not arg.startswith("-"):
            break
        if arg == "--":
            i += 1
            break
        # A group of one-letter options, as in -uB; -c and -m end it and take the rest.
        for at in range(1, len(arg)):
            letter = arg[at]
            rest = arg[at + 1 :]
            if letter in "cm":
                value = rest if rest else (args[i + 1] if i + 1 < len(args) else None)
                if value is None:
                    message = f"Argument expected for the -{letter} option\n"
                    return Command("error", None, [], message + USAGE.format(program=program))
                after = args[i + 1 :] if rest else args[i + 2 :]
                if letter == "c":
                    return Command("code", value, ["-c", *after])
                return Command("module", value, [value, *after])
            if letter in _WITH_ARGUMENT:
                if not rest:
                    i += 1  # its argument is the next word
                break
            if letter not in _FLAGS:
                message = f"Unknown option: -{letter}\n"
                return Command("error", None, [], message + USAGE.format(program=program))
        i += 1
    if i >= len(args) or args[i] == "-":
        return Command("stdin", None, args[i:] if i < len(args) else [""])
    return Command("script", args[i], args[i:])
