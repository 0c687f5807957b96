"""``os.exec*``, ``os.spawn*`` and ``os.posix_spawn*`` on the kernel's processes.

``execv`` and ``execve`` are the two the others call (``os.py`` builds ``execl``, ``execlp``,
``execvp`` and friends on them): this process's pid runs the new program, as on Linux. The
spawn family starts a command as ``subprocess`` does and, with ``P_WAIT``, waits for it.
"""

import os
import posix

from . import kernel, subprocesses
from .constants import EACCES, ENOENT, EOPNOTSUPP
from .errors import error

P_WAIT, P_NOWAIT, P_NOWAITO = 0, 1, 1
# posix_spawn's file actions, numbered as Linux's os module numbers them.
POSIX_SPAWN_OPEN, POSIX_SPAWN_CLOSE, POSIX_SPAWN_DUP2 = 0, 1, 2
_INHERIT = (-1, -1, -1)


def _program(path, search, named=True):
    """The program ``path`` names, found on PATH when ``search`` and it has no slash; raises as
    execve does when there is none (execv's error names no file, as CPython's)."""
    given, path = path, os.fsdecode(path)
    if search and "/" not in path:
        for folder in os.environ.get("PATH", subprocesses.PATH).split(os.pathsep):
            candidate = os.path.join(folder or ".", path)
            if subprocesses.is_program(candidate):
                return candidate
        raise error(ENOENT, given)
    if subprocesses.is_program(path):
        return path
    # An existing file that is no program has no execute permission here.
    errno = EACCES if os.path.exists(path) else ENOENT
    raise error(errno, *([given] if named else []))


def _argv(args, caller):
    if not isinstance(args, (list, tuple)):
        raise TypeError(f"{caller}() arg 2 must be a tuple or list")
    if not args:
        raise ValueError(f"{caller}() arg 2 must not be empty")
    argv = [os.fsdecode(arg) for arg in args]
    if not argv[0]:
        raise ValueError(f"{caller}() arg 2 first element cannot be empty")
    return argv


def _environment(env):
    if env is None:
        return None
    return [f"{os.fsdecode(key)}={os.fsdecode(value)}" for key, value in env.items()]


def _inheritable_fds():
    """Descriptors above 2 that survive exec: those made inheritable (PEP 446)."""
    kept = []
    for fd in subprocesses.kernel_fds():
        try:
            if fd > 2 and os.get_inheritable(fd):
                kept.append(fd)
        except OSError:
            pass
    return kept


def execve(path, args, env):
    argv = _argv(args, "execve")
    program = _program(path, search=False)
    stdio = subprocesses.standard_streams(_INHERIT)
    environment = _environment(env) or []
    kernel.exec_(subprocesses.command_line(program, argv), environment, os.getcwd(),
                 _inheritable_fds(), stdio)


def execv(path, args):
    argv = _argv(args, "execv")
    program = _program(path, search=False, named=False)
    stdio = subprocesses.standard_streams(_INHERIT)
    kernel.exec_(subprocesses.command_line(program, argv), _environment(os.environ),
                 os.getcwd(), _inheritable_fds(), stdio)


def _spawn(mode, file, args, env, search, caller):
    argv = _argv(args, caller)
    try:
        program = _program(file, search)
    except OSError:
        program = None  # the forked child's exec fails: it exits 127, as os.py's does
    line = subprocesses.command_line(program, argv) if program else ["/bin/sh", "-c", "exit 127"]
    environment = _environment(os.environ if env is None else env)
    pid = kernel.command(line, environment, os.getcwd(), [],
                         False, subprocesses.standard_streams(_INHERIT))
    if mode == P_NOWAIT:
        return pid
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def spawnv(mode, file, args):
    return _spawn(mode, file, args, None, False, "spawnv")


def spawnve(mode, file, args, env):
    return _spawn(mode, file, args, env, False, "spawnve")


def spawnvp(mode, file, args):
    return _spawn(mode, file, args, None, True, "spawnvp")


def spawnvpe(mode, file, args, env):
    return _spawn(mode, file, args, env, True, "spawnvpe")


def spawnl(mode, file, *args):
    return spawnv(mode, file, args)


def spawnle(mode, file, *args):
    return spawnve(mode, file, args[:-1], args[-1])


def spawnlp(mode, file, *args):
    return spawnvp(mode, file, args)


def spawnlpe(mode, file, *args):
    return spawnvpe(mode, file, args[:-1], args[-1])


def _posix_spawn(path, argv, env, file_actions, setsid, search, caller):
    argv = _argv(argv, caller)
    program = _program(path, search)
    streams, opened = [0, 1, 2], []
    try:
        for action in file_actions or ():
            kind = action[0]
            target = action[2] if kind == POSIX_SPAWN_DUP2 else action[1]
            if target not in (0, 1, 2):
                raise OSError(EOPNOTSUPP, "procbox's posix_spawn file actions act on fds 0-2")
            if kind == POSIX_SPAWN_OPEN:
                opened.append(os.open(action[2], action[3], action[4]))
                streams[target] = opened[-1]
            elif kind == POSIX_SPAWN_DUP2:
                source = action[1]
                streams[target] = streams[source] if source in (0, 1, 2) else source
            elif kind == POSIX_SPAWN_CLOSE:  # a closed stream reads and writes nothing here
                opened.append(os.open(os.devnull, os.O_RDWR))
                streams[target] = opened[-1]
        stdio = subprocesses.standard_streams(streams)
        return kernel.command(subprocesses.command_line(program, argv), _environment(env),
                              os.getcwd(), [], bool(setsid), stdio)
    finally:
        for fd in opened:
            os.close(fd)


def posix_spawn(path, argv, env, *, file_actions=(), setpgroup=None, resetids=False,
                setsid=False, setsigmask=(), setsigdef=(), scheduler=None):
    return _posix_spawn(path, argv, env, file_actions, setsid, False, "posix_spawn")


def posix_spawnp(path, argv, env, *, file_actions=(), setpgroup=None, resetids=False,
                 setsid=False, setsigmask=(), setsigdef=(), scheduler=None):
    return _posix_spawn(path, argv, env, file_actions, setsid, True, "posix_spawnp")


def install():
    for name in ("execv", "execve", "posix_spawn", "posix_spawnp"):
        setattr(os, name, globals()[name])
        setattr(posix, name, globals()[name])
    for name in ("spawnv", "spawnve", "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp",
                 "spawnlpe", "P_WAIT", "P_NOWAIT", "P_NOWAITO", "POSIX_SPAWN_OPEN",
                 "POSIX_SPAWN_CLOSE", "POSIX_SPAWN_DUP2"):
        setattr(os, name, globals()[name])
