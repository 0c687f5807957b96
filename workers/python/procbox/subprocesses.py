"""``subprocess`` on the kernel's processes.

CPython's own ``subprocess`` module runs unchanged: only ``_fork_exec``, which forks and execs in
C, becomes the kernel's ``command`` call, and the names ``subprocess`` leaves out on Emscripten
(``_del_safe``'s waitpid and friends) are put back. A command is ``python`` (``python3``,
``sys.executable``) with its command line, or one of ``procbox.tools``' programs (``sh``,
``echo``, ...); any other program is not found, as on a Linux without it.
"""

import os
import posix
import subprocess
import sys

from . import bridge, kernel
from .constants import ENOENT, EOPNOTSUPP, STDIO_CONSOLE, STDIO_NULL
from .errors import error

EXECUTABLE = "/usr/bin/python3"
PATH = "/usr/local/bin:/usr/bin:/bin"
_PYTHON_NAMES = {"python", "python3", f"python3.{sys.version_info.minor}"}
_NOT_YET = "procbox gives a command a pipe, a file, /dev/null or the console as stdin, stdout, stderr"


def is_python(path):
    return path == EXECUTABLE or os.path.basename(path) in _PYTHON_NAMES


def is_program(path):
    """A program on this system: python, or one of procbox.tools' commands (``/bin/sh``)."""
    from .tools import PROGRAMS

    return is_python(path) or os.path.basename(path) in PROGRAMS


def fork_exec(args, executable_list, close_fds, fds_to_keep, cwd, env_list,
              p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite,
              errpipe_read, errpipe_write, restore_signals, start_new_session,
              process_group, gid, gids, uid, umask, preexec_fn, *rest):
    """``_posixsubprocess.fork_exec``: the child is a kernel process running the command."""
    stdio = standard_streams((p2cread, c2pwrite, errwrite))
    if preexec_fn is not None:
        raise OSError(EOPNOTSUPP, "procbox cannot run preexec_fn in a child process")
    programs = [os.fsdecode(path) for path in executable_list]
    program = next((path for path in programs if is_program(path)), None)
    if program is None:
        raise error(ENOENT, args[0])
    argv = command_line(program, [os.fsdecode(arg) for arg in args])
    directory = os.getcwd() if cwd is None else os.path.abspath(os.fsdecode(cwd))
    if not os.path.isdir(directory):
        raise error(ENOENT, cwd)
    if env_list is None:  # execv: the child gets this process's environment
        env = [f"{key}={value}" for key, value in os.environ.items()]
    else:
        env = [os.fsdecode(item) for item in env_list]
    pass_fds = [fd for fd in fds_to_keep if fd != errpipe_write]
    new_session = bool(start_new_session) or (process_group is not None and process_group >= 0)
    try:
        return kernel.command(argv, env, directory, pass_fds, new_session, stdio)
    except OSError as failure:
        if failure.errno == EOPNOTSUPP:
            raise OSError(EOPNOTSUPP, _NOT_YET) from None
        raise


def command_line(program, argv):
    """``argv`` as the command runs it: its first word names the program the kernel starts,
    so one that names another (``Popen(["name", ...], executable=...)``) gives way."""
    if os.path.basename(argv[0]) == os.path.basename(program):
        return argv
    return [program, *argv[1:]]


def standard_streams(fds):
    """What a command's fds 0, 1 and 2 are, from this process's descriptors (-1: its own)."""
    return [_standard_stream(fd, number) for number, fd in enumerate(fds)]


def kernel_fds():
    """This process's kernel descriptors (pipes and sockets)."""
    return [int(fd) for fd in bridge.sync.kernelFds()]


def _standard_stream(fd, number):
    """What the child's fd ``number`` is: the console (-1, the parent's own), /dev/null (-2), or
    this process's descriptor (a kernel pipe, or a file, which the worker lends). Inherited
    (-1), it is what this process's own fd ``number`` is: a shell's child writes where the
    shell does."""
    if fd == -1:
        fd = number
    if fd in (0, 1, 2) and fd not in _own_redirected():
        return STDIO_CONSOLE
    if not bridge.sync.isPipe(fd) and os.path.samestat(os.fstat(fd), os.stat(os.devnull)):
        return STDIO_NULL
    return fd


def _own_redirected():
    """This process's fds 0, 1 and 2 that are not the console (it is a command itself)."""
    job = bridge.sync.job
    return list(job.redirected) if job.kind == "command" else []


def system(command):
    """os.system: ``sh -c command`` on this process's streams; its wait status, as Linux's."""
    # system(3) runs /bin/sh as "sh": its errors begin "sh: 1:", not subprocess's "/bin/sh: 1:".
    code = subprocess.call(["sh", "-c", os.fsdecode(command)], executable="/bin/sh")
    return (code & 0xFF) << 8 if code >= 0 else -code


def install():
    os.system = posix.system = system
    sys.executable = EXECUTABLE
    sys._base_executable = EXECUTABLE
    os.environ["PATH"] = PATH
    subprocess._can_fork_exec = True
    subprocess._fork_exec = fork_exec
    safe = subprocess._del_safe
    safe.waitpid = os.waitpid
    safe.waitstatus_to_exitcode = os.waitstatus_to_exitcode
    safe.WIFSTOPPED = os.WIFSTOPPED
    safe.WSTOPSIG = os.WSTOPSIG
    safe.WNOHANG = os.WNOHANG
