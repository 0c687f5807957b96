"""``grep [-iEFvnclqwxrHho] [-e PATTERN] PATTERN [FILE ...]``: lines that match, as GNU grep."""

import os
import re
import sys

_BRE_SPECIAL = {"\\(": "(", "\\)": ")", "\\{": "{", "\\}": "}", "\\|": "|", "\\+": "+", "\\?": "?"}


def _from_basic(pattern):
    """A basic regular expression as Python's: there \\( \\) \\{ \\} \\| \\+ \\? are the
    operators and the bare characters are literal."""
    out, i = [], 0
    while i < len(pattern):
        pair = pattern[i:i + 2]
        if pair in _BRE_SPECIAL:
            out.append(_BRE_SPECIAL[pair])
            i += 2
        elif pattern[i] in "(){}|+?":
            out.append("\\" + pattern[i])
            i += 1
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pair)
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _options(args):
    flags, patterns, names = set(), [], []
    while args:
        arg, args = args[0], args[1:]
        if arg == "--":
            names.extend(args)
            break
        if arg == "-e" and args:
            patterns.append(args[0])
            args = args[1:]
        elif arg.startswith("-") and len(arg) > 1:
            bad = set(arg[1:]) - set("iEFvnclqwxrRHhos")
            if bad:
                raise ValueError(f"invalid option -- '{sorted(bad)[0]}'")
            flags.update(arg[1:])
        else:
            names.append(arg)
    if not patterns:
        if not names:
            raise ValueError(None)
        patterns.append(names.pop(0))
    return flags, patterns, names


def _matcher(flags, patterns):
    pieces = []
    for pattern in patterns:
        for line in pattern.split("\n"):
            text = re.escape(line) if "F" in flags else line if "E" in flags else _from_basic(line)
            if "w" in flags:
                text = rf"(?<!\w)(?:{text})(?!\w)"
            pieces.append(f"(?:{text})")
    joined = "|".join(pieces)
    if "x" in flags:
        joined = rf"^(?:{joined})$"
    return re.compile(joined, re.IGNORECASE if "i" in flags else 0)


def _files(names, recursive):
    for name in names:
        if recursive and os.path.isdir(name):
            for folder, dirs, files in os.walk(name):
                dirs.sort()
                for file in sorted(files):
                    yield os.path.join(folder, file)
        else:
            yield name


def main(args):
    try:
        flags, patterns, names = _options(args)
        matcher = _matcher(flags, patterns)
    except (ValueError, re.error) as error:
        if isinstance(error, ValueError) and error.args[0]:
            print(f"grep: {error}", file=sys.stderr)
        elif isinstance(error, re.error):
            print(f"grep: {error}", file=sys.stderr)
            return 2
        print("Usage: grep [OPTION]... PATTERNS [FILE]...", file=sys.stderr)
        print("Try 'grep --help' for more information.", file=sys.stderr)
        return 2
    recursive = bool(flags & {"r", "R"})
    names = names or (["."] if recursive else ["-"])
    prefix = ("H" in flags or len(names) > 1 or recursive) and "h" not in flags
    selected, status = False, 0
    for name in _files(names, recursive):
        try:
            if name == "-":
                lines = sys.stdin.read().splitlines()
            elif os.path.isdir(name):
                print(f"grep: {name}: Is a directory", file=sys.stderr)
                status = 2
                continue
            else:
                with open(name, encoding="utf-8", errors="surrogateescape") as f:
                    lines = f.read().splitlines()
        except OSError as error:
            print(f"grep: {name}: {error.strerror}", file=sys.stderr)
            status = 2
            continue
        shown = "(standard input)" if name == "-" else name
        count = 0
        for number, line in enumerate(lines, 1):
            found = matcher.search(line)
            if bool(found) == ("v" in flags):
                continue
            count += 1
            selected = True
            if flags & {"q", "l", "c"}:
                if "q" in flags:
                    return 0
                continue
            lead = (f"{shown}:" if prefix else "") + (f"{number}:" if "n" in flags else "")
            if "o" in flags and "v" not in flags:
                for match in matcher.finditer(line):
                    if match.group():
                        print(lead + match.group())
            else:
                print(lead + line)
        if "c" in flags:
            print((f"{shown}:" if prefix else "") + str(count))
        elif "l" in flags and count:
            print(shown)
    return status if status and not ("q" in flags and selected) else 0 if selected else 1
