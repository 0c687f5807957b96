"""A small POSIX shell's grammar: what ``sh -c`` reads (``shell=True``, ``os.system``,
``os.popen``).

Pure logic (unit-tested under native python3 against dash): words with their quoting, ``$VAR``
expansion, globs, pipelines, redirections and the ``;``, ``&``, ``&&``, ``||`` lists. The
commands run in ``tools/sh.py``.
"""

import ast
import glob
import os
import re

# Longest first: the tokenizer takes the first that matches.
_OPERATORS = ("&&", "||", ">>", "<", ">", "|", ";", "&")
_SPECIAL = set("|&;<>()")
_GLOB = set("*?[")
_BLANKS = re.compile("[ \t\n]+")
# What a Word piece's third field says besides a variable (True): a command's output, a sum.
COMMAND, ARITHMETIC = "command", "arithmetic"


class ShellSyntaxError(Exception):
    """Says what dash says: ``Syntax error: "|" unexpected``."""


class Word:
    """A word as typed: pieces of (text, quoted, variable)."""

    def __init__(self):
        self.pieces = []

    def add(self, text, quoted=False, variable=False):
        last = self.pieces[-1] if self.pieces else None
        if not variable and last is not None and last[1] == quoted and not last[2]:
            self.pieces[-1] = (last[0] + text, quoted, False)
        else:
            self.pieces.append((text, quoted, variable))

    def __repr__(self):
        return f"Word({self.pieces!r})"


class Redirect:
    def __init__(self, fd, op, target):
        self.fd = fd  # 0, 1 or 2
        self.op = op  # "<", ">", ">>" or ">&" (target is then a descriptor number)
        self.target = target


class Command:
    def __init__(self):
        self.words = []
        self.assignments = []
        self.redirects = []


def tokenize(text):
    """Words and operators; a word is a ``Word``, an operator a str."""
    tokens = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "\n":
            # A newline ends a command, as ";" does; after an operator it only continues the line.
            if tokens and isinstance(tokens[-1], Word):
                tokens.append(";")
            i += 1
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        # A descriptor number right before a redirection: 2>file, 2>&1, 1>&2.
        if c.isdigit() and i + 1 < n and text[i + 1] in "<>" and c in "012":
            tokens.append(("io", int(c)))
            i += 1
            continue
        if c in _SPECIAL:
            for op in _OPERATORS:
                if text.startswith(op, i):
                    if op in (">", "<") and text.startswith(op + "&", i):
                        tokens.append(op + "&")
                        i += 2
                    else:
                        tokens.append(op)
                        i += len(op)
                    break
            else:
                raise ShellSyntaxError(f'"{c}" unexpected')
            continue
        word, i = _word(text, i)
        tokens.append(word)
    return tokens


def _word(text, i):
    word = Word()
    n = len(text)
    while i < n and text[i] not in " \t\n" and text[i] not in _SPECIAL:
        c = text[i]
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("Unterminated quoted string")
            word.add(text[i + 1 : end], quoted=True)
            i = end + 1
        elif c == '"':
            i = _double_quoted(text, i + 1, word)
        elif c == "\\":
            if i + 1 < n:
                word.add(text[i + 1], quoted=True)
            i += 2
        elif c == "$":
            i = _variable(text, i, word, quoted=False)
        elif c == "`":
            i = _backticks(text, i, word, quoted=False)
        else:
            word.add(c)
            i += 1
    return word, i


def _double_quoted(text, i, word):
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
            word.add(text[i + 1], quoted=True)
            i += 2
        elif c == "$":
            i = _variable(text, i, word, quoted=True)
        elif c == "`":
            i = _backticks(text, i, word, quoted=True)
        else:
            word.add(c, quoted=True)
            i += 1
    raise ShellSyntaxError("Unterminated quoted string")


def _backticks(text, i, word, quoted):
    """```command```: its output (``expand``)."""
    end = text.find("`", i + 1)
    while end > 0 and text[end - 1] == "\\":
        end = text.find("`", end + 1)
    if end < 0:
        raise ShellSyntaxError('EOF in backquote substitution')
    word.add(text[i + 1 : end].replace("\\`", "`"), quoted, variable=COMMAND)
    return end + 1


def _closing(text, i):
    """The index of the ``)`` that closes the ``(`` at ``i``, past nested ones and quotes."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c in "'\"":
            end = text.find(c, j + 1)
            if end < 0:
                raise ShellSyntaxError("Unterminated quoted string")
            j = end + 1
            continue
        if c == "\\":
            j += 2
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return j
        j += 1
    raise ShellSyntaxError('end of file unexpected (expecting ")")')


def _variable(text, i, word, quoted):
    """``$NAME``, ``${NAME}`` (and ``${NAME:-word}``, ``${#NAME}``... as ``expand`` reads them),
    ``$?``, ``$$``, ``$0``...``$9``, ``$#``, ``$@``; a lone ``$`` is itself."""
    n = len(text)
    if text.startswith("((", i + 1):  # $((expression))
        end = _closing(text, i + 1)
        word.add(text[i + 3 : end - 1], quoted, variable=ARITHMETIC)
        return end + 1
    if text.startswith("(", i + 1):  # $(command)
        end = _closing(text, i + 1)
        word.add(text[i + 2 : end], quoted, variable=COMMAND)
        return end + 1
    if i + 1 < n and text[i + 1] == "{":
        end = text.find("}", i + 2)
        if end < 0:
            raise ShellSyntaxError("Missing '}'")
        word.add(text[i + 2 : end], quoted, variable=True)
        return end + 1
    if i + 1 < n and (text[i + 1] in "?$#@*" or text[i + 1].isdigit()):
        word.add(text[i + 1], quoted, variable=True)
        return i + 2
    j = i + 1
    while j < n and (text[j].isalnum() or text[j] == "_"):
        j += 1
    if j == i + 1 or text[i + 1].isdigit():
        word.add("$", quoted)
        return i + 1
    word.add(text[i + 1 : j], quoted, variable=True)
    return j


class BadSubstitution(Exception):
    """``${...}`` that is no parameter expansion: dash's ``Bad substitution``."""


_PARAMETER = re.compile(r"(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*])(?:(:?[-+=?])(.*))?", re.S)


def _parameter(inside, variables, assign):
    """The value of ``${inside}``: ``NAME``, ``#NAME`` (its length), ``NAME:-word`` (word when
    unset or empty; ``-``: only when unset), ``:+`` (word when set), ``:=`` (assigns it),
    ``:?`` (an error when unset). ``word`` is taken as it is written."""
    match = _PARAMETER.fullmatch(inside)
    if not match or (match.group(1) and match.group(3)):
        raise BadSubstitution(inside)
    length, name, op, default = match.groups()
    value = variables(name)
    is_set = value is not None
    value = value or ""
    if length:
        return str(len(value))
    if op is None:
        return value
    present = bool(value) if op.startswith(":") else is_set
    if op.endswith("+"):
        return default if present else ""
    if present:
        return value
    if op.endswith("="):
        assign(name, default)
    elif op.endswith("?"):
        plain = "parameter not set or null" if op == ":?" else "parameter not set"
        raise BadSubstitution(f"{name}: {default or plain}")
    return default


def parse(text):
    """A list of (pipeline, how) items: a pipeline is a list of ``Command``; ``how`` says how
    the item is joined to the previous one ('' first, ';', '&&' or '||') and ``background``
    whether it ends with ``&``: the items are (pipeline, joined_by, background)."""
    tokens = tokenize(text)
    items = []
    joined_by = ""
    pipeline = [Command()]
    expect_command = True

    def unexpected(token):
        shown = token if isinstance(token, str) else "word"
        raise ShellSyntaxError(f'"{shown}" unexpected')

    i = 0
    while i < len(tokens):
        token = tokens[i]
        command = pipeline[-1]
        if isinstance(token, Word):
            _add_word(command, token)
            expect_command = False
        elif isinstance(token, tuple) or token in ("<", ">", ">>", ">&", "<&"):
            fd = None
            if isinstance(token, tuple):
                fd = token[1]
                i += 1
                token = tokens[i] if i < len(tokens) else None
            if token not in ("<", ">", ">>", ">&", "<&"):
                raise ShellSyntaxError("redirection unexpected")
            i += 1
            if i >= len(tokens) or not isinstance(tokens[i], Word):
                if i >= len(tokens):
                    raise ShellSyntaxError("end of file unexpected")
                unexpected(tokens[i])
            target = tokens[i]
            if fd is None:
                fd = 0 if token[0] == "<" else 1
            op = ">&" if token in (">&", "<&") else token
            command.redirects.append(Redirect(fd, op, target))
            expect_command = False
        elif token == "|":
            if expect_command:
                unexpected(token)
            pipeline.append(Command())
            expect_command = True
        else:  # ; & && ||: an empty command before any of them is dash's syntax error
            if expect_command:
                unexpected(token)
            items.append((pipeline, joined_by, token == "&"))
            joined_by = token if token in ("&&", "||") else ";"
            pipeline = [Command()]
            expect_command = True
        i += 1
    if expect_command:
        if len(pipeline) > 1 or joined_by in ("&&", "||"):
            raise ShellSyntaxError("end of file unexpected")
    else:
        items.append((pipeline, joined_by, False))
    return items


def _add_word(command, word):
    """``NAME=value`` before the first word is an assignment; anything else an argument."""
    if not command.words and word.pieces and not word.pieces[0][1]:
        first = word.pieces[0][0]
        if "=" in first and first.split("=", 1)[0].isidentifier():
            name, rest = first.split("=", 1)
            value = Word()
            if rest:
                value.add(rest)
            value.pieces.extend(word.pieces[1:])
            command.assignments.append((name, value))
            return
    command.words.append(word)


def expand(word, variables, glob_ok=True, assign=None, substitute=None):
    """A word's fields after ``$`` expansion, ``~``, field splitting and globs: an unquoted
    expansion splits at blanks (an empty one gives no field), and an unquoted glob may give
    several (or, matching none, stays as it is, as POSIX says). With ``glob_ok`` false (an
    assignment, a redirection's target) there is one field, neither split nor globbed.
    ``variables(name)`` is a variable's value, None when unset; ``assign(name, value)`` is
    ``${NAME:=word}``'s; ``substitute(command)`` is ``$(command)``'s output."""
    fields = []  # (text, glob pattern, has a glob character)
    current = None

    def add(text, pattern, globbing=False):
        nonlocal current
        if current is None:
            current = ("", "", False)
        current = (current[0] + text, current[1] + pattern, current[2] or globbing)

    def close():
        nonlocal current
        if current is not None:
            fields.append(current)
        current = None

    for index, (piece, quoted, variable) in enumerate(word.pieces):
        if variable == COMMAND:
            value = substitute(piece) if substitute else ""
        elif variable == ARITHMETIC:
            value = str(arithmetic(piece, variables))
        elif variable:
            value = _parameter(piece, variables, assign or (lambda name, value: None))
        if variable:
            if quoted or not glob_ok:
                add(value, glob.escape(value))
                continue
            for k, part in enumerate(_BLANKS.split(value)):
                if k > 0:
                    close()
                if part:
                    add(part, glob.escape(part))
            continue
        if index == 0 and not quoted and (piece == "~" or piece.startswith("~/")):
            piece = os.environ.get("HOME", "~") + piece[1:]
        globbing = not quoted and bool(_GLOB & set(piece))
        add(piece, piece if globbing else glob.escape(piece), globbing)
    close()
    if not glob_ok:
        return ["".join(text for text, _, _ in fields)]
    result = []
    for text, pattern, globbing in fields:
        found = sorted(glob.glob(pattern)) if globbing else []
        result.extend(found or [text])
    return result


def _truncated(a, b):
    """C's integer division: toward zero, exact for any size."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


_ARITHMETIC_OPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: _truncated, ast.Mod: lambda a, b: a - b * _truncated(a, b),
    ast.Lt: lambda a, b: int(a < b), ast.Gt: lambda a, b: int(a > b), ast.LtE: lambda a, b: int(a <= b),
    ast.GtE: lambda a, b: int(a >= b), ast.Eq: lambda a, b: int(a == b), ast.NotEq: lambda a, b: int(a != b),
}


def arithmetic(text, variables):
    """``$((text))``: integers, variables (unset is 0), + - * / % and comparisons, as C has
    them (division truncates toward zero)."""
    def value(match):
        found = variables(match.group(1))
        return str(int(found)) if found else "0"

    source = re.sub(r"\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?", value, text).strip()

    def evaluate(node):
        if isinstance(node, ast.Expression):
            return evaluate(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            operand = evaluate(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand if isinstance(node.op, ast.UAdd) else int(not operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC_OPS:
            left, right = evaluate(node.left), evaluate(node.right)
            if isinstance(node.op, (ast.Div, ast.Mod)) and right == 0:
                raise BadSubstitution("arithmetic expression: division by zero: " + repr(text).replace("'", '"'))
            return _ARITHMETIC_OPS[type(node.op)](left, right)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _ARITHMETIC_OPS:
            return _ARITHMETIC_OPS[type(node.ops[0])](evaluate(node.left), evaluate(node.comparators[0]))
        raise BadSubstitution(f'arithmetic expression: expecting primary: "{text}"')

    try:
        return evaluate(ast.parse(source or "0", mode="eval"))
    except SyntaxError:
        raise BadSubstitution(f'arithmetic expression: expecting primary: "{text}"') from None
