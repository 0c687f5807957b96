"""``echo [-n] [-e|-E] [STRING ...]``, as GNU coreutils' echo."""

import sys

_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t", "v": "\v"}


def _unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            code = text[i + 1]
            if code == "c":
                return "".join(out), True
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out), False


def main(args):
    newline, escapes = True, False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _unescape(text)
        newline = newline and not stop
    sys.stdout.write(text + ("\n" if newline else ""))
    return 0
