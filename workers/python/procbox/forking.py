"""fork(2): the child starts from a copy of its parent's memory (workers/runtime/fork-image.ts).

The parent's ``ForkPopen._launch`` leaves the process object here and has its worker copy the
whole process. The child's worker runs ``prepare_child`` and then ``child_main`` on that copy,
where everything the parent had is there, as after a real fork: the logging setup, the state of
every module, objects that cannot be pickled, open files. It then does what CPython's
``popen_fork`` does once ``os.fork()`` has returned 0.
"""

import atexit
import contextvars

from . import bridge, green, kernel, threads

# (process object, the forking thread, its context), set only while the parent's copy is made.
_pending = None


def capture(process_obj):
    """The parent's side: the copy its child will start from, made now."""
    global _pending
    _pending = (process_obj, green.current(), contextvars.copy_context())
    try:
        bridge.sync.forkCapture()
    finally:
        _pending = None


def prepare_child(worker):
    """The child's first step, before CPython's after-fork hooks run (``threading._after_fork``
    asks who the current thread is): only the thread that called fork() goes on, as the main
    thread, and the layer binds to this process's worker."""
    forker = _pending[1]
    green.scheduler.after_fork(forker)
    threads.after_fork(forker)
    bridge.bind(worker)


def child_main(worker):
    """The forked child's task (the process worker's entry, in place of ``main.start``)."""
    global _pending
    process_obj, _, context = _pending
    _pending = None
    from multiprocessing import util

    from .main import _flush_std_streams

    atexit._clear()
    atexit.register(util._exit_function)
    status = 1
    try:
        status = context.run(process_obj._bootstrap, parent_sentinel=None)
    finally:
        atexit._run_exitfuncs()
        _flush_std_streams()
    kernel.exit(status)
