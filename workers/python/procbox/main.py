"""How a Procbox process starts and ends, as CPython's ``main()`` does it.

``start()`` is the one entry the process worker calls. It installs the layer, then runs either a
script as ``__main__``, a command, or a spawned multiprocessing child; a forked child starts
in ``forking.child_main`` instead.
"""

import atexit
import builtins
import io
import os
import pickle
import signal
import sys
import threading
import types

from . import (
    bridge,
    command,
    errors,
    eventloop,
    execs,
    kernel,
    oscalls,
    popen,
    recursion,
    shm,
    signals,
    stdio,
    subprocesses,
    threads,
    tracebacks,
)


def start(worker):
    """The process worker's entry: ``worker`` is its bridge (protocol/layer.ts)."""
    errors.translate_raised()
    threads.install()
    threads.patch_import_locks()
    bridge.bind(worker)
    stdio.install()
    oscalls.install()
    signals.install()
    tracebacks.install()
    recursion.install()
    popen.install(bridge.sync.startMethod)
    shm.install()
    subprocesses.install()
    execs.install()
    eventloop.forget_boot_loop()
    _reseed_random()
    job = bridge.sync.job
    if job.kind == "script":
        status = run_script(job.path)
    elif job.kind == "tool":
        status = run_tool(list(job.argv))
    elif job.kind == "command":
        status = run_command(list(job.argv), None if job.env is None else list(job.env))
    else:  # a spawned child (a forked one starts in procbox/forking.py)
        status = run_spawn_child(job.payload.to_bytes())
    kernel.exit(status)


def _reseed_random():
    """Every process boots from one memory snapshot; CPython reseeds after fork, so do we."""
    if "random" in sys.modules:
        sys.modules["random"].seed()


def _new_main(file=None):
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    main.__spec__ = None
    if file is not None:
        main.__file__ = file
        main.__cached__ = None
    sys.modules["__main__"] = main
    return main


def run_script(path, argv=None):
    """``python path``: the script runs as ``__main__``, its directory first on sys.path."""
    file = os.path.abspath(path)
    main = _new_main(file)
    sys.argv[:] = argv or [path]
    sys.path.insert(0, os.path.dirname(file))

    def compile_main():
        with open(file, "rb") as source:
            return compile(source.read(), file, "exec")

    return _run_main(main, compile_main)


def run_command(argv, env):
    """A command a program started (``subprocess``): ``python`` with its command line, or one
    of the tools (``sh``, ``echo``, ...)."""
    if env is not None:
        os.environ.clear()
        os.environ.update(item.split("=", 1) for item in env if "=" in item)
    if not subprocesses.is_python(argv[0]):
        return run_tool(argv)
    line = command.parse(argv)
    main = _new_main()
    if line.kind == "error":
        sys.stderr.write(line.error)
        return _finalize(line.status)
    sys.argv[:] = line.argv
    if line.kind == "script":
        file = os.path.abspath(line.target)
        if not os.path.exists(file):
            sys.stderr.write(
                f"{sys.executable}: can't open file {file!r}: [Errno 2] No such file or directory\n"
            )
            return _finalize(2)
        return run_script(line.target, line.argv)
    sys.path.insert(0, "" if line.kind != "module" else os.getcwd())
    if line.kind == "module":
        import runpy

        # runpy says "python3: No module named x" and exits 1, as python3 -m does.
        return _run(lambda: runpy._run_module_as_main(line.target))
    if line.kind == "code":
        return _run_main(main, lambda: compile(line.target, "<string>", "exec"))
    source = sys.stdin.read()
    return _run_main(main, lambda: compile(source, "<stdin>", "exec"))


def run_tool(argv):
    """A console tool (``nc``, ``curl``), with its command line as ``sys.argv``."""
    from . import tools

    _new_main()
    sys.argv[:] = argv
    try:
        status = tools.main(argv)
    except KeyboardInterrupt:
        status = -signal.SIGINT  # quietly, as SIGINT ends the real tool
    except SystemExit as exit:
        status = _exit_status(exit)
    except BaseException as error:
        sys.excepthook(type(error), error, error.__traceback__)
        status = 1
    return _finalize(status)


def run_spawn_child(payload):
    """``python -c 'from multiprocessing.spawn import spawn_main; spawn_main(...)'``."""
    pipe = f"/tmp/procbox-spawn-{os.getpid()}"
    with open(pipe, "wb") as f:
        f.write(payload)
    fd = os.open(pipe, os.O_RDONLY)
    os.unlink(pipe)
    main = _new_main()
    sys.argv[:] = ["-c", "--multiprocessing-fork"]
    source = f"from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle={fd})\n"
    return _run_main(main, lambda: compile(source, "<string>", "exec"))


def _run_main(main, compile_main):
    return _run(lambda: exec(compile_main(), main.__dict__))


def _run(body):
    try:
        body()
        status = 0
    except SystemExit as exit:
        status = _exit_status(exit)
    except BaseException as error:
        sys.excepthook(type(error), error, error.__traceback__)
        status = -signal.SIGINT if isinstance(error, KeyboardInterrupt) else 1
    return _finalize(status)


def _exit_status(exit):
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code & 0xFF
    print(exit.code, file=sys.stderr)
    return 1


def _finalize(status):
    """Interpreter shutdown: join non-daemon threads, run atexit (which joins children)."""
    try:
        threading._shutdown()
    except BaseException as error:
        sys.excepthook(type(error), error, error.__traceback__)
    atexit._run_exitfuncs()
    _flush_std_streams()
    return status


def _flush_std_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass
