"""``sh -c COMMAND [NAME [ARG ...]]``: a small POSIX shell (procbox/shell.py's grammar).

Each command of a pipeline is a process of its own, started through ``subprocess`` (so it meets
the same kernel pipes and files as a program's children), but for the last simple command of
``sh -c``, which runs in the shell's place (execve), as in dash; ``cd``, ``exit``, ``export``,
``unset`` and ``:`` are built in. Messages and exit statuses are dash's: ``sh: 1: name: not
found`` and 127, a syntax error 2.
"""

import os
import subprocess
import sys

from .. import shell

PROGRAM = "sh"


class Shell:
    def __init__(self, name, args, replaceable=False):
        self.name = name
        self.args = args
        # sh -c: the last simple command may take the shell's place.
        self.replaceable = replaceable
        self.status = 0
        self.variables = {}

    def variable(self, name):
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(os.getpid())
        if name == "#":
            return str(len(self.args))
        if name in ("@", "*"):
            return " ".join(self.args)
        if name.isdigit():
            index = int(name)
            if index == 0:
                return self.name
            return self.args[index - 1] if index <= len(self.args) else None
        return self.variables.get(name, os.environ.get(name))

    def assign(self, name, value):
        if name in os.environ:
            os.environ[name] = value
        else:
            self.variables[name] = value

    def expand(self, word, glob_ok=True):
        return shell.expand(word, self.variable, glob_ok, self.assign, self.substitute)

    def substitute(self, command):
        """``$(command)``: its output without its trailing newlines, from a subshell that sees
        this shell's variables; ``$?`` is then its status."""
        sys.stdout.flush()
        env = {**os.environ, **self.variables}
        done = subprocess.run([PROGRAM, "-c", command], stdout=subprocess.PIPE, env=env)
        self.status = _status(done.returncode)
        return done.stdout.decode(errors="surrogateescape").rstrip("\n")

    def fail(self, message):
        print(f"{self.name}: 1: {message}", file=sys.stderr, flush=True)

    def words(self, command):
        argv = []
        for word in command.words:
            argv.extend(self.expand(word))
        return argv

    def run(self, text):
        try:
            items = shell.parse(text)
        except shell.ShellSyntaxError as error:
            self.fail(f"Syntax error: {error}")
            return 2
        for index, (pipeline, joined_by, background) in enumerate(items):
            if joined_by == "&&" and self.status != 0:
                continue
            if joined_by == "||" and self.status == 0:
                continue
            final = self.replaceable and index == len(items) - 1
            try:
                self.status = self.pipeline(pipeline, background, final)
            except shell.BadSubstitution as error:
                # An expansion error ends a shell that is not interactive, as in dash.
                detail = error.args[0]
                self.fail(detail if ": " in detail else "Bad substitution")
                return 2
        return self.status

    def pipeline(self, commands, background, final=False):
        argv = None
        if len(commands) == 1 and not background:
            argv = self.words(commands[0])  # once: a $(...) runs once
            builtin = self.builtin(commands[0], argv)
            if builtin is not None:
                return builtin
            if final and not commands[0].redirects:
                return self.replace(commands[0], argv)
        children = []
        opened = []
        stdin = None
        try:
            for index, command in enumerate(commands):
                last = index == len(commands) - 1
                if last:
                    stdout, next_stdin = None, None
                else:
                    next_stdin, stdout = os.pipe()
                    opened.extend((next_stdin, stdout))
                streams = self.redirected(command, [stdin, stdout, None], opened)
                started = None if streams is None else self.start(command, streams, argv)
                children.append(_Done(2) if started is None else started)
                stdin = next_stdin
        finally:
            for fd in opened:
                os.close(fd)
        if background:
            return 0
        statuses = [_status(child.wait()) for child in children]
        return statuses[-1]

    def redirected(self, command, streams, opened):
        """The command's stdin, stdout, stderr after its redirections; None when a file cannot
        be opened (dash says why and the command does not run)."""
        for redirect in command.redirects:
            target = self.expand(redirect.target, glob_ok=False)[0]
            if redirect.op == ">&":
                if not target.isdigit():
                    self.fail("Syntax error: Bad fd number")
                    return None
                if target not in ("0", "1", "2"):
                    self.fail(f"{target}: Bad file descriptor")
                    return None
                source = streams[int(target)]
                streams[redirect.fd] = source if source is not None else int(target)
                continue
            flags = {
                "<": os.O_RDONLY,
                ">": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                ">>": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
            }[redirect.op]
            try:
                fd = os.open(target, flags, 0o666)
            except OSError as error:
                verb = "open" if redirect.op == "<" else "create"
                reason = "Directory nonexistent" if redirect.op != "<" else "No such file"
                if not isinstance(error, FileNotFoundError):
                    reason = error.strerror
                self.fail(f"cannot {verb} {target}: {reason}")
                return None
            opened.append(fd)
            streams[redirect.fd] = fd
        return streams

    def environment(self, command):
        """The command's environment when it sets variables of its own, else None."""
        if not command.assignments:
            return None
        env = dict(os.environ)
        for name, value in command.assignments:
            env[name] = self.expand(value, glob_ok=False)[0]
        return env

    def replace(self, command, argv):
        """Runs the command in this process's place (its pid, its streams): no shell waits for
        it, and its end, a signal's too, is the shell's. Started as a child when exec cannot
        take these streams along."""
        sys.stdout.flush()
        try:
            os.execvpe(argv[0], argv, self.environment(command) or os.environ)
        except FileNotFoundError:
            self.fail(f"{argv[0]}: not found")
            return 127
        except PermissionError as error:
            self.fail(f"{argv[0]}: {error.strerror}")
            return 126
        except OSError:
            return _status(self.start(command, [None, None, None], argv).wait())

    def start(self, command, streams, argv=None):
        argv = self.words(command) if argv is None else argv
        if not argv:
            return _Done(0)
        env = self.environment(command)
        stdin, stdout, stderr = streams
        try:
            return subprocess.Popen(
                argv, stdin=stdin, stdout=stdout, stderr=stderr, env=env, close_fds=True
            )
        except FileNotFoundError:
            self.fail(f"{argv[0]}: not found")
            return _Done(127)
        except OSError as error:
            self.fail(f"{argv[0]}: {error.strerror}")
            return _Done(126)

    def builtin(self, command, argv):
        """Runs a built-in command here; None for any other, and for one with redirections
        (it then runs as a program of its own)."""
        if command.redirects and argv:
            return None
        if not argv:
            self.status = 0  # an assignment's status is its last $(...)'s, else 0
            for name, value in command.assignments:
                self.variables[name] = self.expand(value, glob_ok=False)[0]
            return self.status if not command.redirects else None
        name, args = argv[0], argv[1:]
        if name == "cd":
            target = args[0] if args else os.environ.get("HOME", "/")
            try:
                os.chdir(target)
            except OSError:
                self.fail(f"cd: can't cd to {target}")
                return 2
            return 0
        if name == "exit":
            raise SystemExit(int(args[0]) & 0xFF if args and args[0].isdigit() else self.status)
        if name == "export":
            for arg in args:
                key, _, value = arg.partition("=")
                os.environ[key] = value if _ else self.variables.get(key, os.environ.get(key, ""))
            return 0
        if name == "unset":
            for arg in args:
                self.variables.pop(arg, None)
                os.environ.pop(arg, None)
            return 0
        if name == ":":
            return 0
        if name == "echo":
            return _echo(args)
        return None


class _Done:
    """A command that never started: its status stands."""

    def __init__(self, status):
        self.status = status

    def wait(self):
        return self.status


def _echo(args):
    """dash's echo: ``-n`` is its one option, and backslash escapes always count."""
    from .echo import _unescape

    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    text, stop = _unescape(" ".join(args))
    sys.stdout.write(text + ("\n" if newline and not stop else ""))
    sys.stdout.flush()
    return 0


def _status(returncode):
    """A child's status as the shell reports it: 128 + N when signal N ended it."""
    return 128 - returncode if returncode < 0 else returncode


def main(args):
    """``$0`` is the name it was started by (``/bin/sh`` from ``shell=True``), as in dash."""
    invoked = sys.argv[0] if sys.argv and sys.argv[0] else PROGRAM
    if len(args) >= 2 and args[0] == "-c":
        name = args[2] if len(args) > 2 else invoked
        return Shell(name, args[3:], replaceable=True).run(args[1])
    if args and not args[0].startswith("-"):
        with open(args[0]) as script:
            return Shell(args[0], args[1:]).run(script.read())
    return Shell(invoked, []).run(sys.stdin.read())
